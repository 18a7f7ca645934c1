using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A bucket of a demand trend: a day, an ISO week (its Monday) or a month (its first day).</summary>
[GenerateSerializer]
[Alias("charge.TrendPoint")]
public sealed record TrendPoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] decimal EnergyKwh,
    [property: Id(2)] int Sessions);
