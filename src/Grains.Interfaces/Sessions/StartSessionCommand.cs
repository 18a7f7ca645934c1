using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Start a session on a charger's connector: what the station says.</summary>
[GenerateSerializer]
[Alias("charge.StartSession")]
public sealed record StartSessionCommand(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] int ConnectorId,
    [property: Id(3)] string IdTag,
    [property: Id(4)] decimal MeterStartWh,
    [property: Id(5)] DateTime Timestamp);
