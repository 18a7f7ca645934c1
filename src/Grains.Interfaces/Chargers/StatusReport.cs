using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.StatusReport")]
public sealed record StatusReport(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] ConnectorStatus Status,
    [property: Id(2)] string ErrorCode,
    [property: Id(3)] DateTime Timestamp);
