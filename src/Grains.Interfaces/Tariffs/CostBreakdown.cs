using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>A priced session: exact totals (full precision), the invoice total rounded to the currency's minor unit, and the breakdown.</summary>
[GenerateSerializer]
[Alias("charge.CostBreakdown")]
public sealed record CostBreakdown
{
    [Id(0)] public required string Currency { get; init; }
    /// <summary>Sum of the dimensions, after min/max price, unrounded.</summary>
    [Id(1)] public Money Total { get; init; }
    /// <summary><see cref="Total"/> rounded to the currency's minor unit, half away from zero.</summary>
    [Id(2)] public Money TotalRounded { get; init; }
    [Id(3)] public ImmutableArray<DimensionCost> Dimensions { get; init; } = [];
    [Id(4)] public ImmutableArray<PricedPeriod> Periods { get; init; } = [];
    [Id(5)] public bool MinPriceApplied { get; init; }
    [Id(6)] public bool MaxPriceApplied { get; init; }
    /// <summary>Decimals of the currency's minor unit, to which <see cref="TotalRounded"/> is rounded.</summary>
    [Id(7)] public int MinorUnits { get; init; } = 2;

    public Money CostOf(TariffDimension dimension) =>
        Dimensions.FirstOrDefault(d => d.Dimension == dimension)?.Cost ?? Money.Zero;
}
