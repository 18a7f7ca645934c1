using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Analytics;

/// <summary>
/// Splits a completed session over the local days and hours it touched: energy from its 15-minute slots, time in a
/// session from its start and stop. Local time is the session's zone, so a session across midnight counts on both
/// days and the hours of a daylight-saving night are the wall-clock hours people saw.
/// </summary>
public static class UsageAttribution
{
    private static readonly long QuarterTicks = TimeSpan.FromMinutes(15).Ticks;

    public static ImmutableDictionary<DateOnly, UsageContribution> Split(
        string sessionId, DateTime startedAt, DateTime stoppedAt, decimal energyWh, IEnumerable<EnergySlot> slots, TimeZoneInfo zone,
        CurrencyRevenue? revenue = null)
    {
        var energy = new Dictionary<DateOnly, decimal[]>();
        var seconds = new Dictionary<DateOnly, long[]>();
        T[] Day<T>(Dictionary<DateOnly, T[]> days, DateOnly date) => days.TryGetValue(date, out var hours) ? hours : days[date] = new T[UsageDay.Hours];

        foreach (var slot in slots)
        {
            // Slots are aligned to UTC quarter hours; every zone's offset is a whole number of quarter hours, so a
            // slot lies within one local hour.
            var local = LocalTime.Of(slot.Start, zone);
            Day(energy, DateOnly.FromDateTime(local))[local.Hour] += slot.EnergyWh;
        }

        // Time in a session, cut at quarter hours for the same reason; whole seconds are attributed by flooring the
        // running total, so the pieces add up to the session's duration exactly.
        var cursor = startedAt.Ticks;
        var end = stoppedAt.Ticks;
        while (cursor < end)
        {
            var next = Math.Min(end, (cursor / QuarterTicks + 1) * QuarterTicks);
            var local = LocalTime.Of(new DateTime(cursor, DateTimeKind.Utc), zone);
            Day(seconds, DateOnly.FromDateTime(local))[local.Hour] += next / TimeSpan.TicksPerSecond - cursor / TimeSpan.TicksPerSecond;
            cursor = next;
        }

        var startDay = DateOnly.FromDateTime(LocalTime.Of(startedAt, zone));
        var duration = end / TimeSpan.TicksPerSecond - startedAt.Ticks / TimeSpan.TicksPerSecond;
        var result = ImmutableDictionary.CreateBuilder<DateOnly, UsageContribution>();
        foreach (var date in energy.Keys.Union(seconds.Keys).Append(startDay).Distinct())
        {
            var started = date == startDay;
            result[date] = new UsageContribution(
                sessionId,
                started,
                started ? energyWh : 0,
                started ? duration : 0,
                [.. energy.TryGetValue(date, out var e) ? e : new decimal[UsageDay.Hours]],
                [.. seconds.TryGetValue(date, out var s) ? s : new long[UsageDay.Hours]],
                started ? revenue : null);
        }

        return result.ToImmutable();
    }

    /// <summary>Two parts of one day (shards) as one.</summary>
    public static UsageDay Merge(UsageDay a, UsageDay b) => a with
    {
        Sessions = a.Sessions + b.Sessions,
        SessionEnergyWh = a.SessionEnergyWh + b.SessionEnergyWh,
        SessionDurationSeconds = a.SessionDurationSeconds + b.SessionDurationSeconds,
        EnergyWhByHour = [.. a.EnergyWhByHour.Zip(b.EnergyWhByHour, (x, y) => x + y)],
        SessionSecondsByHour = [.. a.SessionSecondsByHour.Zip(b.SessionSecondsByHour, (x, y) => x + y)],
        EnergyHistogram = [.. a.EnergyHistogram.Zip(b.EnergyHistogram, (x, y) => x + y)],
        Revenue = CurrencyRevenue.Sum([.. a.Revenue, .. b.Revenue]),
    };

    /// <summary>Adds a contribution to a day.</summary>
    public static UsageDay Add(UsageDay day, UsageContribution c)
    {
        var histogram = day.EnergyHistogram.ToBuilder();
        if (c.StartedThisDay)
        {
            var kwh = c.SessionEnergyWh / 1000m;
            var bucket = 0;
            while (bucket < UsageDay.EnergyBucketsKwh.Length && kwh >= UsageDay.EnergyBucketsKwh[bucket])
            {
                bucket++;
            }

            histogram[bucket]++;
        }

        return day with
        {
            Sessions = day.Sessions + (c.StartedThisDay ? 1 : 0),
            SessionEnergyWh = day.SessionEnergyWh + c.SessionEnergyWh,
            SessionDurationSeconds = day.SessionDurationSeconds + c.SessionDurationSeconds,
            EnergyWhByHour = [.. day.EnergyWhByHour.Zip(c.EnergyWhByHour, (a, b) => a + b)],
            SessionSecondsByHour = [.. day.SessionSecondsByHour.Zip(c.SessionSecondsByHour, (a, b) => a + b)],
            EnergyHistogram = histogram.ToImmutable(),
            Revenue = c.Revenue is { } earned ? CurrencyRevenue.Sum([.. day.Revenue, earned]) : day.Revenue,
        };
    }
}
