using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A site's grid connection and how its power is shared: the limit (kW), lower limits at times of day, and the
/// customer groups (tariff groups) served first.
/// </summary>
[GenerateSerializer]
[Alias("charge.SiteLimits")]
public sealed record SiteLimits(
    [property: Id(0)] double GridLimitKw,
    [property: Id(1)] ImmutableArray<TimeOfDayLimit> TimeOfDay = default,
    [property: Id(2)] ImmutableArray<string> PriorityGroups = default)
{
    /// <summary>A site limit beyond this (100 MW) is a typo.</summary>
    public const double MaxKw = 100_000;

    /// <summary>The IEC 61851 minimum charging current (6 A) on three phases at 230 V: below it a car does not charge.</summary>
    public const double ThreePhaseMinimumW = 6 * 230 * 3;

    public const double SinglePhaseMinimumW = 6 * 230;
}
