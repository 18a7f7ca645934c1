using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>
/// One OCPI charging period: volumes per dimension from <see cref="Start"/> until the next period's start (or
/// the session end). Power and current are the period's representative values, when known: measurements, so
/// floating point, unlike volumes and money.
/// </summary>
[GenerateSerializer]
[Alias("charge.ChargingPeriod")]
public sealed record ChargingPeriod(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] decimal EnergyKwh,
    [property: Id(2)] decimal ChargingHours,
    [property: Id(3)] decimal ParkingHours,
    [property: Id(4)] double? PowerKw = null,
    [property: Id(5)] double? CurrentA = null);

/// <summary>An amount excl. and incl. VAT.</summary>
[GenerateSerializer]
[Alias("charge.Money")]
public readonly record struct Money(
    [property: Id(0)] decimal ExclVat,
    [property: Id(1)] decimal InclVat)
{
    public static readonly Money Zero = new(0m, 0m);

    public static Money operator +(Money a, Money b) => new(a.ExclVat + b.ExclVat, a.InclVat + b.InclVat);

    public static Money operator -(Money a, Money b) => new(a.ExclVat - b.ExclVat, a.InclVat - b.InclVat);
}

/// <summary>What one dimension of a session costs, and the volume billed for it (after step_size).</summary>
[GenerateSerializer]
[Alias("charge.DimensionCost")]
public sealed record DimensionCost(
    [property: Id(0)] TariffDimension Dimension,
    [property: Id(1)] decimal Volume,
    [property: Id(2)] decimal BilledVolume,
    [property: Id(3)] Money Cost);

/// <summary>One priced slice of the session: one dimension, one element, one stretch of time.</summary>
[GenerateSerializer]
[Alias("charge.PricedPeriod")]
public sealed record PricedPeriod(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] DateTime End,
    [property: Id(2)] TariffDimension Dimension,
    [property: Id(3)] int ElementIndex,
    [property: Id(4)] decimal Volume,
    [property: Id(5)] decimal UnitPrice,
    [property: Id(6)] decimal? Vat,
    [property: Id(7)] Money Cost);

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
