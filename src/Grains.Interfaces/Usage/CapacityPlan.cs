using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// Where a site's demand meets its limits over a range of local days, the upgrade that points to, and the demand
/// ahead (daily energy forecast with weekly seasonality, and its error measured on the last week held out).
/// </summary>
[GenerateSerializer]
[Alias("charge.CapacityPlan")]
public sealed record CapacityPlan
{
    [Id(0)] public required string SiteId { get; init; }
    [Id(1)] public DateOnly From { get; init; }
    [Id(2)] public DateOnly To { get; init; }
    [Id(3)] public int Connectors { get; init; }
    /// <summary>The site's grid limit (kW); null when it has none.</summary>
    [Id(4)] public double? GridLimitKw { get; init; }
    /// <summary>Hours the site's sessions together were given all of the limit, and their share of the range.</summary>
    [Id(5)] public double HoursAtLimit { get; init; }
    [Id(6)] public double ShareAtLimit { get; init; }
    /// <summary>Energy the sessions would have taken beyond their allowances (kWh), and its share of the energy delivered.</summary>
    [Id(7)] public double EnergyDeferredKwh { get; init; }
    [Id(8)] public double ShareDeferred { get; init; }
    /// <summary>The peak of what the balancer allowed the sessions together (kW).</summary>
    [Id(9)] public double PeakAllowedKw { get; init; }
    /// <summary>Starts the token registry refused at the site's chargers in the range.</summary>
    [Id(10)] public int StartsRefused { get; init; }
    /// <summary>The busiest weekday and local hour: mean sessions in progress over connectors (0..1).</summary>
    [Id(11)] public double PeakHourUtilisation { get; init; }
    [Id(12)] public int PeakWeekday { get; init; }
    [Id(13)] public int PeakHour { get; init; }
    /// <summary>Weekday-hours of the week (of 168) in which, on average, at least 90 % of the connectors were in use.</summary>
    [Id(14)] public int SaturatedHoursPerWeek { get; init; }
    [Id(15)] public decimal EnergyKwh { get; init; }
    [Id(16)] public decimal Utilisation { get; init; }
    [Id(17)] public ImmutableArray<CapacityAdvice> Advice { get; init; } = [];
    [Id(18)] public ImmutableArray<TrendPoint> History { get; init; } = [];
    [Id(19)] public DemandForecast? Forecast { get; init; }
    /// <summary>Why there is no forecast (too little history), when there is none.</summary>
    [Id(20)] public string? ForecastNote { get; init; }
}

/// <summary>One recommendation: what to change (connectors, grid-limit, time-of-day-limit, none) and why, in numbers.</summary>
[GenerateSerializer]
[Alias("charge.CapacityAdvice")]
public sealed record CapacityAdvice(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Reason);

/// <summary>
/// Daily energy ahead: a least-squares fit of level, linear trend and one term per weekday. Error: the model fitted
/// without the last 7 days, scored on them (mean absolute error in kWh per day, and in percent of their mean).
/// </summary>
[GenerateSerializer]
[Alias("charge.DemandForecast")]
public sealed record DemandForecast(
    [property: Id(0)] ImmutableArray<ForecastPoint> Days,
    [property: Id(1)] double? MeanAbsoluteErrorKwh,
    [property: Id(2)] double? MeanAbsolutePercentError,
    [property: Id(3)] double TrendKwhPerWeek,
    [property: Id(4)] string Method);

[GenerateSerializer]
[Alias("charge.ForecastPoint")]
public sealed record ForecastPoint(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] double EnergyKwh);
