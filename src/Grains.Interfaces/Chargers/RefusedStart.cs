using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A start the token registry refused: nothing else of it is recorded.</summary>
[GenerateSerializer]
[Alias("charge.RefusedStart")]
public sealed record RefusedStart(
    [property: Id(0)] DateTime At,
    [property: Id(1)] int ConnectorId,
    [property: Id(2)] string IdTag,
    [property: Id(3)] AuthorizationStatus Status,
    [property: Id(4)] string Reason,
    [property: Id(5)] int? TransactionId,
    [property: Id(6)] DateTime StationTimestamp = default,
    [property: Id(7)] decimal MeterStartWh = 0);
