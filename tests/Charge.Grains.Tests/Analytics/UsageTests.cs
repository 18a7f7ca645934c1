using Charge.Grains.Analytics;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests.Analytics;

/// <summary>Usage attribution and reports against numbers worked out by hand.</summary>
public sealed class UsageTests
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private static DateTime Z(string utc) => DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static EnergySlot Slot(string utc, decimal wh) => new(Z(utc), wh, null);

    [Fact]
    public void A_session_across_midnight_counts_in_the_local_hours_of_both_days_and_as_one_session_on_its_start_day()
    {
        // 22:30 to 01:15 Amsterdam time (UTC+1 in January).
        var slots = new[]
        {
            Slot("2026-01-15T21:30:00", 1000), Slot("2026-01-15T21:45:00", 1000),
            Slot("2026-01-15T22:00:00", 2000), Slot("2026-01-15T22:15:00", 2000), Slot("2026-01-15T22:30:00", 2000), Slot("2026-01-15T22:45:00", 2000),
            Slot("2026-01-15T23:00:00", 1500), Slot("2026-01-15T23:15:00", 1500), Slot("2026-01-15T23:30:00", 1000), Slot("2026-01-15T23:45:00", 1000),
            Slot("2026-01-16T00:00:00", 500),
        };

        var days = UsageAttribution.Split("s1", Z("2026-01-15T21:30:00"), Z("2026-01-16T00:15:00"), 15_500, slots, Amsterdam);
        var first = days[new DateOnly(2026, 1, 15)];
        var second = days[new DateOnly(2026, 1, 16)];

        Assert.Equal(2, days.Count);
        Assert.True(first.StartedThisDay);
        Assert.False(second.StartedThisDay);
        Assert.Equal(15_500m, first.SessionEnergyWh);
        Assert.Equal(9_900, first.SessionDurationSeconds);
        Assert.Equal(0m, second.SessionEnergyWh);
        Assert.Equal(2_000m, first.EnergyWhByHour[22]);
        Assert.Equal(8_000m, first.EnergyWhByHour[23]);
        Assert.Equal(5_000m, second.EnergyWhByHour[0]);
        Assert.Equal(500m, second.EnergyWhByHour[1]);
        Assert.Equal(1_800, first.SessionSecondsByHour[22]);
        Assert.Equal(3_600, first.SessionSecondsByHour[23]);
        Assert.Equal(3_600, second.SessionSecondsByHour[0]);
        Assert.Equal(900, second.SessionSecondsByHour[1]);
        Assert.Equal(15_500m, first.EnergyWhByHour.Sum() + second.EnergyWhByHour.Sum());
    }

    [Fact]
    public void On_the_autumn_dst_night_both_02_hours_fold_into_local_hour_2()
    {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC. 00:30Z-01:30Z is 02:30 CEST to 02:30 CET.
        var slots = new[] { Slot("2026-10-25T00:30:00", 1000), Slot("2026-10-25T00:45:00", 1000), Slot("2026-10-25T01:00:00", 1000), Slot("2026-10-25T01:15:00", 1000) };

        var day = UsageAttribution.Split("s2", Z("2026-10-25T00:30:00"), Z("2026-10-25T01:30:00"), 4000, slots, Amsterdam).Single().Value;

        Assert.Equal(4000m, day.EnergyWhByHour[2]);
        Assert.Equal(3600, day.SessionSecondsByHour[2]);
        Assert.Equal(4000m, day.EnergyWhByHour.Sum());
        Assert.Equal(3600, day.SessionSecondsByHour.Sum());
    }

    [Fact]
    public void On_the_spring_dst_night_the_skipped_local_hour_gets_nothing()
    {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC. 00:30Z-01:30Z is 01:30 CET to 03:30 CEST.
        var slots = new[] { Slot("2026-03-29T00:30:00", 1000), Slot("2026-03-29T00:45:00", 1000), Slot("2026-03-29T01:00:00", 3000), Slot("2026-03-29T01:15:00", 3000) };

        var day = UsageAttribution.Split("s3", Z("2026-03-29T00:30:00"), Z("2026-03-29T01:30:00"), 8000, slots, Amsterdam).Single().Value;

        Assert.Equal(2000m, day.EnergyWhByHour[1]);
        Assert.Equal(0m, day.EnergyWhByHour[2]);
        Assert.Equal(6000m, day.EnergyWhByHour[3]);
        Assert.Equal(1800, day.SessionSecondsByHour[1]);
        Assert.Equal(0, day.SessionSecondsByHour[2]);
        Assert.Equal(1800, day.SessionSecondsByHour[3]);
    }

    private static UsageContribution Contribution(string id, decimal sessionWh, long seconds, params (int Hour, decimal Wh, long Seconds)[] hours)
    {
        var energy = new decimal[24];
        var time = new long[24];
        foreach (var (hour, wh, s) in hours)
        {
            energy[hour] += wh;
            time[hour] += s;
        }

        return new UsageContribution(id, true, sessionWh, seconds, [.. energy], [.. time]);
    }

    private static UsageDay Day(DateOnly date, params UsageContribution[] contributions) =>
        contributions.Aggregate(new UsageDay { Date = date }, UsageAttribution.Add);

    [Fact]
    public void A_week_of_sessions_gives_the_hand_computed_totals_averages_peaks_trend_and_distribution()
    {
        // Monday 16 to Sunday 22 November 2026, two connectors.
        var monday = new DateOnly(2026, 11, 16);
        var days = Enumerable.Range(0, 7).Select(i => new UsageDay { Date = monday.AddDays(i) }).ToArray();
        days[0] = Day(monday, Contribution("A", 10_000, 7_200, (8, 5_000, 3_600), (9, 5_000, 3_600)));
        days[2] = Day(monday.AddDays(2),
            Contribution("B", 20_000, 14_400, (18, 5_000, 3_600), (19, 5_000, 3_600), (20, 5_000, 3_600), (21, 5_000, 3_600)),
            Contribution("C", 6_000, 3_600, (18, 6_000, 3_600)));
        var previous = Enumerable.Range(0, 7).Select(i => new UsageDay { Date = monday.AddDays(i - 7) }).ToArray();
        previous[3] = Day(monday.AddDays(-4), Contribution("P", 18_000, 3_600, (12, 18_000, 3_600)));

        var report = UsageReports.Build(new UsageScope(UsageScope.Site, "S"), monday, monday.AddDays(6), days, previous, 2, TimeZoneInfo.Utc);

        Assert.Equal(3, report.Sessions);
        Assert.Equal(36m, report.EnergyKwh);
        Assert.Equal(12m, report.AverageEnergyPerSessionKwh);
        Assert.Equal(140m, report.AverageDurationMinutes);
        Assert.Equal(25_200m / (2 * 7 * 86_400m), report.Utilisation);
        Assert.Equal((int)DayOfWeek.Wednesday, report.PeakEnergyWeekday);
        Assert.Equal(18, report.PeakEnergyHour);
        Assert.Equal(11m, report.EnergyKwhByWeekdayHour[(int)DayOfWeek.Wednesday][18]);
        Assert.Equal(2m, report.ConcurrentByWeekdayHour[(int)DayOfWeek.Wednesday][18]);
        Assert.Equal((int)DayOfWeek.Wednesday, report.PeakConcurrencyWeekday);
        Assert.Equal(18, report.PeakConcurrencyHour);
        Assert.Equal(18m, report.PreviousEnergyKwh);
        Assert.Equal(100m, report.EnergyChangePercent);
        Assert.Equal(new[] { new TrendPoint(monday, 36m, 3) }, report.Weekly.ToArray());
        Assert.Equal(7, report.Daily.Length);
        Assert.Equal(26m, report.Daily[2].EnergyKwh);
        Assert.Equal(new[] { 0, 1, 1, 1, 0, 0, 0 }, report.EnergyHistogram.ToArray());
    }

    [Fact]
    public void Means_per_weekday_divide_by_how_many_of_that_weekday_the_range_has()
    {
        // Two Mondays in a 14-day range, 4 kWh at 10:00 on the first only: the Monday 10:00 mean is 2 kWh.
        var monday = new DateOnly(2026, 11, 2);
        var days = Enumerable.Range(0, 14).Select(i => new UsageDay { Date = monday.AddDays(i) }).ToArray();
        days[0] = Day(monday, Contribution("A", 4_000, 3_600, (10, 4_000, 3_600)));

        var report = UsageReports.Build(UsageScope.OfNetwork, monday, monday.AddDays(13), days, [], 1, TimeZoneInfo.Utc);

        Assert.Equal(2m, report.EnergyKwhByWeekdayHour[(int)DayOfWeek.Monday][10]);
        Assert.Equal(0.5m, report.ConcurrentByWeekdayHour[(int)DayOfWeek.Monday][10]);
        Assert.Null(report.EnergyChangePercent);
        Assert.Equal(2, report.Weekly.Length);
    }
}
