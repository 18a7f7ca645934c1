using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>One row of the revenue export: a scope's revenue in one currency on one local day.</summary>
[GenerateSerializer]
[Alias("charge.RevenueRow")]
public sealed record RevenueRow(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] UsageScope Scope,
    [property: Id(2)] CurrencyRevenue Revenue);
