using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Analytics;

/// <summary>Builds a usage report from the usage days of a range and of the period before it. Pure.</summary>
public static class UsageReports
{
    public static UsageReport Build(UsageScope scope, DateOnly from, DateOnly to, IReadOnlyList<UsageDay> days, IReadOnlyList<UsageDay> previous, int connectors, TimeZoneInfo zone)
    {
        var sessions = days.Sum(d => d.Sessions);
        var energyKwh = days.Sum(d => d.EnergyWh) / 1000m;
        var sessionSeconds = days.Sum(d => d.SessionSeconds);
        var rangeSeconds = (decimal)(LocalMidnight(to.AddDays(1), zone) - LocalMidnight(from, zone)).TotalSeconds;

        // Mean per weekday and hour: the sum over the range divided by how many of that weekday the range has.
        var weekdays = new int[7];
        var energy = new decimal[7, UsageDay.Hours];
        var concurrent = new decimal[7, UsageDay.Hours];
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            weekdays[(int)date.DayOfWeek]++;
        }

        foreach (var day in days)
        {
            var w = (int)day.Date.DayOfWeek;
            for (var h = 0; h < UsageDay.Hours; h++)
            {
                energy[w, h] += day.EnergyWhByHour[h] / 1000m;
                concurrent[w, h] += day.SessionSecondsByHour[h] / 3600m;
            }
        }

        ImmutableArray<ImmutableArray<decimal>> Mean(decimal[,] sums) =>
        [
            .. Enumerable.Range(0, 7).Select(w => Enumerable.Range(0, UsageDay.Hours)
                .Select(h => weekdays[w] == 0 ? 0m : sums[w, h] / weekdays[w]).ToImmutableArray()),
        ];

        var energyMean = Mean(energy);
        var concurrentMean = Mean(concurrent);
        var (peakEnergyW, peakEnergyH) = ArgMax(energyMean);
        var (peakConcW, peakConcH) = ArgMax(concurrentMean);
        var previousEnergy = previous.Sum(d => d.EnergyWh) / 1000m;
        var daily = days.OrderBy(d => d.Date).Select(d => new TrendPoint(d.Date, d.EnergyWh / 1000m, d.Sessions)).ToImmutableArray();
        return new UsageReport
        {
            Scope = scope,
            From = from,
            To = to,
            Sessions = sessions,
            EnergyKwh = energyKwh,
            AverageEnergyPerSessionKwh = sessions == 0 ? 0 : days.Sum(d => d.SessionEnergyWh) / 1000m / sessions,
            AverageDurationMinutes = sessions == 0 ? 0 : days.Sum(d => d.SessionDurationSeconds) / 60m / sessions,
            Connectors = connectors,
            Utilisation = connectors == 0 || rangeSeconds == 0 ? 0 : sessionSeconds / (connectors * rangeSeconds),
            EnergyKwhByWeekdayHour = energyMean,
            ConcurrentByWeekdayHour = concurrentMean,
            Daily = daily,
            Weekly = Bucket(daily, d => d.AddDays(-(((int)d.DayOfWeek + 6) % 7))),
            Monthly = Bucket(daily, d => new DateOnly(d.Year, d.Month, 1)),
            PreviousEnergyKwh = previousEnergy,
            PreviousSessions = previous.Sum(d => d.Sessions),
            EnergyChangePercent = previousEnergy == 0 ? null : (energyKwh - previousEnergy) / previousEnergy * 100m,
            EnergyHistogram = [.. Enumerable.Range(0, UsageDay.EnergyBucketsKwh.Length + 1).Select(b => days.Sum(d => d.EnergyHistogram[b]))],
            Revenue = CurrencyRevenue.Sum(days.SelectMany(d => d.Revenue)),
            PreviousRevenue = CurrencyRevenue.Sum(previous.SelectMany(d => d.Revenue)),
            DailyRevenue = [.. days.OrderBy(d => d.Date).SelectMany(d => d.Revenue.Select(r => new RevenuePoint(d.Date, r.Currency, r.Amount)))],
            PeakEnergyWeekday = peakEnergyW,
            PeakEnergyHour = peakEnergyH,
            PeakConcurrencyWeekday = peakConcW,
            PeakConcurrencyHour = peakConcH,
        };
    }

    /// <summary>The local dates of the period of the same length just before [from, to].</summary>
    public static (DateOnly From, DateOnly To) PreviousPeriod(DateOnly from, DateOnly to)
    {
        var length = to.DayNumber - from.DayNumber + 1;
        return (from.AddDays(-length), from.AddDays(-1));
    }

    private static ImmutableArray<TrendPoint> Bucket(ImmutableArray<TrendPoint> daily, Func<DateOnly, DateOnly> start) =>
    [
        .. daily.GroupBy(d => start(d.Start)).OrderBy(g => g.Key)
            .Select(g => new TrendPoint(g.Key, g.Sum(d => d.EnergyKwh), g.Sum(d => d.Sessions))),
    ];

    private static (int Weekday, int Hour) ArgMax(ImmutableArray<ImmutableArray<decimal>> grid)
    {
        var best = (0, 0);
        var max = decimal.MinValue;
        for (var w = 0; w < grid.Length; w++)
        {
            for (var h = 0; h < grid[w].Length; h++)
            {
                if (grid[w][h] > max)
                {
                    (max, best) = (grid[w][h], (w, h));
                }
            }
        }

        return best;
    }

    public static DateTime LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        // Midnight may not exist on a DST morning in a few zones: take the first valid instant.
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
