using System.Globalization;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sites;

/// <summary>
/// The site's clock for load balancing, pure: which limit is in force at a local time, and the per-local-day
/// statistics (peak allowed, time at the limit, energy deferred) integrated over the intervals the shares held.
/// </summary>
internal static class SiteLoadTime
{
    /// <summary>Local days kept.</summary>
    public const int DaysKept = 400;

    /// <summary>The grid limit, or a lower time-of-day limit in force at the site's local time (W).</summary>
    public static double LimitInForceW(SiteLimits limits, DateTime local)
    {
        var kw = limits.GridLimitKw;
        foreach (var window in limits.TimeOfDay.IsDefault ? [] : limits.TimeOfDay)
        {
            if (Applies(window, local))
            {
                kw = Math.Min(kw, window.LimitKw);
            }
        }

        return kw * 1000;
    }

    private static bool Applies(TimeOfDayLimit window, DateTime local)
    {
        var t = TimeOnly.FromDateTime(local);
        // A window past midnight (22:00-06:00) belongs to the day it starts.
        var inside = window.Start <= window.End ? t >= window.Start && t < window.End : t >= window.Start || t < window.End;
        var day = window.Start <= window.End || t >= window.Start ? local.DayOfWeek : local.AddDays(-1).DayOfWeek;
        return inside && (window.Days.IsDefaultOrEmpty || window.Days.Contains(day));
    }

    /// <summary>
    /// Adds the interval since the last change to its local days (split at local midnight), with the shares that
    /// held in it, then starts a new interval with these (a limit of double.MaxValue: none).
    /// </summary>
    public static void Account(SiteLoadState state, DateTime now, TimeZoneInfo zone, double limitW, double allowedW, double deferredW)
    {
        if (state.SharedSince is { } since && now > since && state.SharedLimitW > 0)
        {
            var cursor = since;
            while (cursor < now)
            {
                var local = TimeZoneInfo.ConvertTimeFromUtc(cursor, zone);
                var nextMidnight = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local.Date.AddDays(1), DateTimeKind.Unspecified), zone);
                var end = nextMidnight < now && nextMidnight > cursor ? nextMidnight : now;
                var seconds = (end - cursor).TotalSeconds;
                var key = DayKey(local);
                var atLimit = state.SharedAllowedW >= 0.99 * state.SharedLimitW;
                state.Days[key] = state.Days.GetValueOrDefault(key, LoadDay.Empty)
                    .Add(new LoadDay(state.SharedAllowedW, atLimit ? seconds : 0, state.SharedDeferredW * seconds / 3600));
                cursor = end;
            }

            while (state.Days.Count > DaysKept)
            {
                state.Days.Remove(state.Days.Keys.Min(StringComparer.Ordinal)!);
            }
        }

        state.SharedSince = now;
        state.SharedAllowedW = allowedW;
        state.SharedLimitW = limitW == double.MaxValue ? 0 : limitW;
        state.SharedDeferredW = deferredW;
        if (allowedW > 0)
        {
            var key = DayKey(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
            state.Days[key] = state.Days.GetValueOrDefault(key, LoadDay.Empty).Add(new LoadDay(allowedW, 0, 0));
        }
    }

    /// <summary>The statistics of the local days from <paramref name="from"/> to <paramref name="to"/>, summed.</summary>
    public static LoadDay Sum(SiteLoadState state, DateOnly from, DateOnly to)
    {
        var total = LoadDay.Empty;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (state.Days.TryGetValue(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), out var d))
            {
                total = total.Add(d);
            }
        }

        return total;
    }

    private static string DayKey(DateTime local) => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
