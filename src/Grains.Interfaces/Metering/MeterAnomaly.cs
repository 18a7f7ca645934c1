using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A reading that was rejected and kept for inspection instead of being counted.</summary>
[GenerateSerializer]
[Alias("charge.MeterAnomaly")]
public sealed record MeterAnomaly(
    [property: Id(0)] AnomalyKind Kind,
    [property: Id(1)] DateTime ReadingTimestamp,
    [property: Id(2)] decimal EnergyWh,
    [property: Id(3)] string Detail);
