using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using MathNet.Numerics.LinearRegression;

namespace Charge.Grains.Analytics;

/// <summary>
/// A site's capacity plan from its usage report and load balancing: where demand meets the limits, the upgrade that
/// points to, and a daily energy forecast with weekly seasonality (MathNet.Numerics least squares). Thresholds are
/// the ones docs/console.md states.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>Days of history the forecast needs to fit (two of every weekday), and to be scored on a held-out week.</summary>
    public const int MinimumFitDays = 14;
    public const int MinimumScoredDays = 21;
    public const int ForecastDays = 14;

    /// <summary>The busiest hour above this share of connectors in use: more connectors.</summary>
    public const double BusyHourUtilisation = 0.8;

    /// <summary>Over this share of the range at the grid limit, or of the energy deferred: a higher limit.</summary>
    public const double AtLimitShare = 0.05;
    public const double DeferredShare = 0.02;

    public static CapacityPlan Build(string siteId, UsageReport usage, SiteLimits? limits, int startsRefused)
    {
        var hours = (usage.To.DayNumber - usage.From.DayNumber + 1) * 24.0;
        var load = usage.SiteLoad ?? LoadDay.Empty;
        var atLimit = load.SecondsAtLimit / 3600;
        var deferred = load.DeferredWh / 1000;
        var energy = (double)usage.EnergyKwh;
        var connectors = Math.Max(1, usage.Connectors);

        var (peakUse, peakDay, peakHour, saturated) = (0.0, 0, 0, 0);
        for (var day = 0; day < usage.ConcurrentByWeekdayHour.Length; day++)
        {
            for (var hour = 0; hour < usage.ConcurrentByWeekdayHour[day].Length; hour++)
            {
                var use = (double)usage.ConcurrentByWeekdayHour[day][hour] / connectors;
                if (use >= 0.9)
                {
                    saturated++;
                }

                if (use > peakUse)
                {
                    (peakUse, peakDay, peakHour) = (use, day, hour);
                }
            }
        }

        var plan = new CapacityPlan
        {
            SiteId = siteId,
            From = usage.From,
            To = usage.To,
            Connectors = usage.Connectors,
            GridLimitKw = limits?.GridLimitKw,
            HoursAtLimit = Math.Round(atLimit, 2),
            ShareAtLimit = Math.Round(atLimit / hours, 4),
            EnergyDeferredKwh = Math.Round(deferred, 3),
            ShareDeferred = energy + deferred > 0 ? Math.Round(deferred / (energy + deferred), 4) : 0,
            PeakAllowedKw = Math.Round(load.PeakAllowedW / 1000, 2),
            StartsRefused = startsRefused,
            PeakHourUtilisation = Math.Round(Math.Min(1, peakUse), 4),
            PeakWeekday = peakDay,
            PeakHour = peakHour,
            SaturatedHoursPerWeek = saturated,
            EnergyKwh = usage.EnergyKwh,
            Utilisation = usage.Utilisation,
            History = usage.Daily,
        };

        var (forecast, note) = Forecast(usage.Daily);
        return plan with { Forecast = forecast, ForecastNote = note, Advice = Advise(plan, limits, forecast) };
    }

    private static ImmutableArray<CapacityAdvice> Advise(CapacityPlan plan, SiteLimits? limits, DemandForecast? forecast)
    {
        var advice = ImmutableArray.CreateBuilder<CapacityAdvice>();
        var growing = forecast is { TrendKwhPerWeek: > 0 } f && plan.History.Length > 0
            && f.TrendKwhPerWeek > 0.05 * (double)plan.History.Average(d => d.EnergyKwh) * 7;
        var ahead = growing ? " and demand is growing" : "";
        if (plan.PeakHourUtilisation >= BusyHourUtilisation)
        {
            advice.Add(new("connectors",
                $"at the busiest hour ({Weekday(plan.PeakWeekday)} {plan.PeakHour:00}:00) {plan.PeakHourUtilisation:P0} of the {plan.Connectors} connectors are in use" +
                $" ({plan.SaturatedHoursPerWeek} hours a week at 90 % or more){ahead}: add connectors"));
        }

        var timeOfDay = limits is { TimeOfDay.IsDefaultOrEmpty: false } ? limits.TimeOfDay : [];
        if (limits is not null && (plan.ShareAtLimit >= AtLimitShare || plan.ShareDeferred >= DeferredShare))
        {
            var lowered = timeOfDay.FirstOrDefault(t => Covers(t, plan.PeakHour));
            if (lowered is not null)
            {
                advice.Add(new("time-of-day-limit",
                    $"{plan.EnergyDeferredKwh:0.#} kWh deferred ({plan.ShareDeferred:P1}) and {plan.HoursAtLimit:0.#} h at the limit; the busiest hour falls in the" +
                    $" {lowered.Start:HH\\:mm}–{lowered.End:HH\\:mm} limit of {lowered.LimitKw:0.#} kW: move or raise that window"));
            }
            else
            {
                var wanted = limits.GridLimitKw * (1 + plan.ShareDeferred) + (plan.ShareAtLimit >= AtLimitShare ? limits.GridLimitKw * plan.ShareAtLimit : 0);
                advice.Add(new("grid-limit",
                    $"{plan.HoursAtLimit:0.#} h at the {limits.GridLimitKw:0.#} kW limit ({plan.ShareAtLimit:P1} of the range) and {plan.EnergyDeferredKwh:0.#} kWh deferred" +
                    $" ({plan.ShareDeferred:P1}){ahead}: a grid connection of about {Math.Ceiling(wanted):0} kW would have served it"));
            }
        }

        if (advice.Count == 0)
        {
            advice.Add(new("none",
                $"busiest hour {plan.PeakHourUtilisation:P0} of connectors, {plan.ShareAtLimit:P1} of the time at the grid limit, {plan.ShareDeferred:P1} of energy deferred: no upgrade needed"));
        }

        return advice.ToImmutable();
    }

    private static bool Covers(TimeOfDayLimit limit, int hour)
    {
        var at = new TimeOnly(hour, 30);
        return limit.Start <= limit.End ? at >= limit.Start && at < limit.End : at >= limit.Start || at < limit.End;
    }

    private static string Weekday(int day) => ((DayOfWeek)day).ToString();

    /// <summary>
    /// Daily energy ahead: y = level + slope·t + one term per weekday (Monday..Saturday against Sunday), by QR least
    /// squares; scored by refitting without the last 7 days and comparing with them.
    /// </summary>
    public static (DemandForecast? Forecast, string? Note) Forecast(ImmutableArray<TrendPoint> range)
    {
        // History starts at the first day with a session: the empty days before a site opened are not demand.
        var daily = range.SkipWhile(d => d.Sessions == 0 && d.EnergyKwh == 0).ToImmutableArray();
        if (daily.IsEmpty)
        {
            return (null, "no session in the range: nothing to forecast from");
        }

        if (daily.Length < MinimumFitDays)
        {
            return (null, daily.Length == range.Length
                ? $"a forecast needs {MinimumFitDays} days of history; the range has {daily.Length}"
                : $"a forecast needs {MinimumFitDays} days of history; the site has {daily.Length} since its first session in the range");
        }

        var y = daily.Select(d => (double)d.EnergyKwh).ToArray();
        var dates = daily.Select(d => d.Start).ToArray();
        var coefficients = Fit(dates, y);
        double? mae = null, mape = null;
        if (daily.Length >= MinimumScoredDays)
        {
            var train = daily.Length - 7;
            var held = Fit(dates[..train], y[..train]);
            var errors = Enumerable.Range(train, 7).Select(i => Math.Abs(Predict(held, dates[0], dates[i]) - y[i])).ToArray();
            mae = Math.Round(errors.Average(), 3);
            var mean = y[train..].Average();
            mape = mean > 0 ? Math.Round(100 * errors.Average() / mean, 1) : null;
        }

        var last = dates[^1];
        var days = Enumerable.Range(1, ForecastDays)
            .Select(i => last.AddDays(i))
            .Select(d => new ForecastPoint(d, Math.Round(Math.Max(0, Predict(coefficients, dates[0], d)), 3)))
            .ToImmutableArray();
        var note = mae is null ? $"the error is measured once there are {MinimumScoredDays} days of history" : null;
        return (new DemandForecast(days, mae, mape, Math.Round(coefficients[1] * 7, 3),
            "least squares: level + linear trend + weekday terms (MathNet.Numerics QR)"), note);
    }

    private static double[] Fit(DateOnly[] dates, double[] y) =>
        MultipleRegression.QR(dates.Select(d => Features(dates[0], d)).ToArray(), y, intercept: true);

    private static double Predict(double[] coefficients, DateOnly origin, DateOnly date)
    {
        var x = Features(origin, date);
        var value = coefficients[0];
        for (var i = 0; i < x.Length; i++)
        {
            value += coefficients[i + 1] * x[i];
        }

        return value;
    }

    /// <summary>Days since the first, then six weekday indicators (Sunday is the base).</summary>
    private static double[] Features(DateOnly origin, DateOnly date)
    {
        var x = new double[7];
        x[0] = date.DayNumber - origin.DayNumber;
        var weekday = (int)date.DayOfWeek;
        if (weekday > 0)
        {
            x[weekday] = 1;
        }

        return x;
    }
}
