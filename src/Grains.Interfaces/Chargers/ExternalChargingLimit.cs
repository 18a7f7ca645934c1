namespace Charge.Grains.Interfaces;

/// <summary>
/// A limit set on a charger from outside the central system (OCPP 2.0.1 NotifyChargingLimit: an energy management
/// system, the grid operator), on one connector or the whole charger (0): its sessions are never given more. A null
/// limit clears it (ClearedChargingLimit).
/// </summary>
[GenerateSerializer]
[Alias("charge.ExternalChargingLimit")]
public sealed record ExternalChargingLimit(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] double? LimitW,
    [property: Id(2)] string Source);
