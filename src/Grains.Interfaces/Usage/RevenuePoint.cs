using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A day's revenue in one currency, for the revenue trend.</summary>
[GenerateSerializer]
[Alias("charge.RevenuePoint")]
public sealed record RevenuePoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] string Currency,
    [property: Id(2)] Tariffs.Money Amount);
