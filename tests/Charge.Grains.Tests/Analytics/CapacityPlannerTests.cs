using System.Collections.Immutable;
using Charge.Grains.Analytics;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

/// <summary>A site's capacity plan: the forecast finds a weekly pattern and says how wrong it was, and the advice follows the thresholds.</summary>
public sealed class CapacityPlannerTests
{
    private static readonly DateOnly Start = new(2026, 10, 5); // a Monday

    /// <summary>Daily energy: a level, a trend per week, weekends lower, plus a deterministic wobble.</summary>
    private static ImmutableArray<TrendPoint> Days(int count, Func<int, double> energy) =>
        [.. Enumerable.Range(0, count).Select(i => new TrendPoint(Start.AddDays(i), (decimal)Math.Round(energy(i), 3), 10))];

    private static double Seasonal(int i)
    {
        var day = Start.AddDays(i).DayOfWeek;
        return 100 + 2.0 / 7 * i + (day is DayOfWeek.Saturday or DayOfWeek.Sunday ? -40 : 0);
    }

    private static UsageReport Usage(ImmutableArray<TrendPoint> daily, int connectors = 4, double busiest = 1, LoadDay? load = null) => new()
    {
        Scope = new UsageScope(UsageScope.Site, "depot"),
        From = daily.IsEmpty ? Start : daily[0].Start,
        To = daily.IsEmpty ? Start : daily[^1].Start,
        Connectors = connectors,
        EnergyKwh = daily.Sum(d => d.EnergyKwh),
        Daily = daily,
        // Busiest on Tuesday 18:00.
        ConcurrentByWeekdayHour = [.. Enumerable.Range(0, 7).Select(d => Enumerable.Range(0, 24).Select(h => d == 2 && h == 18 ? (decimal)busiest : 0.5m).ToImmutableArray())],
        SiteLoad = load,
    };

    [Fact]
    public void The_forecast_continues_the_weekly_pattern_and_the_trend()
    {
        var (forecast, note) = CapacityPlanner.Forecast(Days(56, Seasonal));

        Assert.NotNull(forecast);
        Assert.Null(note);
        Assert.Equal(CapacityPlanner.ForecastDays, forecast.Days.Length);
        Assert.Equal(Start.AddDays(56), forecast.Days[0].Date);
        // An exact pattern is found exactly: each day ahead is what the pattern says, weekends included.
        Assert.All(forecast.Days, d => Assert.Equal(Seasonal(d.Date.DayNumber - Start.DayNumber), d.EnergyKwh, 2));
        Assert.Equal(2.0, forecast.TrendKwhPerWeek, 3);
        Assert.Equal(0, forecast.MeanAbsoluteErrorKwh!.Value, 2);
    }

    [Fact]
    public void The_error_is_measured_on_the_last_week_held_out_and_shows_the_noise()
    {
        // ±10 kWh of wobble that no weekly pattern explains.
        var (forecast, _) = CapacityPlanner.Forecast(Days(56, i => Seasonal(i) + (i * 7919 % 21 - 10)));

        Assert.NotNull(forecast);
        Assert.InRange(forecast.MeanAbsoluteErrorKwh!.Value, 2, 15);
        Assert.InRange(forecast.MeanAbsolutePercentError!.Value, 1, 20);
    }

    [Fact]
    public void With_too_little_history_it_says_why_instead_of_guessing()
    {
        var (none, why) = CapacityPlanner.Forecast(Days(10, Seasonal));
        Assert.Null(none);
        Assert.Equal("a forecast needs 14 days of history; the range has 10", why);

        var (unscored, later) = CapacityPlanner.Forecast(Days(17, Seasonal));
        Assert.NotNull(unscored);
        Assert.Null(unscored.MeanAbsoluteErrorKwh);
        Assert.Equal("the error is measured once there are 21 days of history", later);

        // A site that opened three days ago: the empty weeks before are not demand.
        var (opened, since) = CapacityPlanner.Forecast([.. Days(28, _ => 0).Select((d, i) => i < 25 ? d with { EnergyKwh = 0, Sessions = 0 } : d with { EnergyKwh = 80 })]);
        Assert.Null(opened);
        Assert.Equal("a forecast needs 14 days of history; the site has 3 since its first session in the range", since);
        var (nothing, empty) = CapacityPlanner.Forecast([.. Days(28, _ => 0).Select(d => d with { Sessions = 0 })]);
        Assert.Null(nothing);
        Assert.Equal("no session in the range: nothing to forecast from", empty);

        // Days without energy after the first session are demand (zero), and a flat zero tail has no percent error.
        var (quiet, _) = CapacityPlanner.Forecast(Days(28, i => i == 0 ? 5 : 0));
        Assert.NotNull(quiet);
        Assert.Null(quiet.MeanAbsolutePercentError);
    }

    [Fact]
    public void A_busy_hour_asks_for_connectors_and_a_site_held_at_its_limit_for_a_higher_one()
    {
        var daily = Days(28, Seasonal);
        var busy = CapacityPlanner.Build("depot", Usage(daily, connectors: 4, busiest: 3.6), new SiteLimits(100), 3);
        Assert.Equal(["connectors"], busy.Advice.Select(a => a.Kind));
        Assert.Equal(0.9, busy.PeakHourUtilisation, 6);
        Assert.Equal((2, 18, 1), (busy.PeakWeekday, busy.PeakHour, busy.SaturatedHoursPerWeek));
        Assert.Equal(3, busy.StartsRefused);
        Assert.Contains("Tuesday 18:00", busy.Advice[0].Reason);

        // 28 days = 672 h; 67.2 h at the limit is 10 %; 100 kWh deferred of 100 + delivered.
        var held = CapacityPlanner.Build("depot", Usage(daily, load: new LoadDay(100_000, 67.2 * 3600, 100_000)), new SiteLimits(100), 0);
        Assert.Equal(["grid-limit"], held.Advice.Select(a => a.Kind));
        Assert.Equal(0.1, held.ShareAtLimit, 6);
        Assert.Equal(67.2, held.HoursAtLimit, 6);
        Assert.Contains("at the 100 kW limit", held.Advice[0].Reason);
    }

    [Fact]
    public void A_limit_lowered_at_the_busiest_hour_points_at_that_window_and_a_quiet_site_needs_nothing()
    {
        var daily = Days(28, Seasonal);
        var evening = new SiteLimits(100, [new TimeOfDayLimit(new TimeOnly(17, 0), new TimeOnly(21, 0), 40)]);
        var windowed = CapacityPlanner.Build("depot", Usage(daily, load: new LoadDay(40_000, 50 * 3600, 200_000)), evening, 0);
        Assert.Equal(["time-of-day-limit"], windowed.Advice.Select(a => a.Kind));
        Assert.Contains("17:00–21:00 limit of 40 kW", windowed.Advice[0].Reason);

        var quiet = CapacityPlanner.Build("depot", Usage(daily, load: new LoadDay(20_000, 3600, 10)), new SiteLimits(100), 0);
        Assert.Equal(["none"], quiet.Advice.Select(a => a.Kind));
        Assert.NotNull(quiet.Forecast);
    }
}
