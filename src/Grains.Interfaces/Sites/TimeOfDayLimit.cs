using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A lower limit for part of the day, in the site's local time (peak hours); days empty: every day.</summary>
[GenerateSerializer]
[Alias("charge.TimeOfDayLimit")]
public sealed record TimeOfDayLimit(
    [property: Id(0)] TimeOnly Start,
    [property: Id(1)] TimeOnly End,
    [property: Id(2)] double LimitKw,
    [property: Id(3)] ImmutableArray<DayOfWeek> Days = default);
