using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.ConnectorView")]
public sealed record ConnectorView(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] ConnectorStatus Status,
    [property: Id(2)] string? ActiveSessionId,
    [property: Id(3)] string ErrorCode,
    [property: Id(4)] DateTime? StatusAt,
    [property: Id(5)] double? PowerW = null,
    [property: Id(6)] MeterReading? IdleMeter = null);
