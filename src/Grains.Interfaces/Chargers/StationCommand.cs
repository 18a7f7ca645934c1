namespace Charge.Grains.Interfaces;

/// <summary>A command to a station: stop a session (later: start one, limit power).</summary>
[GenerateSerializer]
[Alias("charge.StationCommand")]
public sealed record StationCommand(
    [property: Id(0)] string CommandId,
    [property: Id(1)] StationCommandKind Kind,
    [property: Id(2)] string SessionId,
    [property: Id(3)] int ConnectorId,
    [property: Id(4)] string RequestedBy,
    [property: Id(5)] double? LimitW = null);
