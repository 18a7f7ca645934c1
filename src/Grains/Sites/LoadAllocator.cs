using System.Collections.Immutable;

namespace Charge.Grains.Sites;

/// <summary>
/// One session's claim on a site's power, in W. <see cref="DemandW"/> is what it can use now (its connector's
/// maximum, or less when its car draws less); <see cref="MinW"/> the least worth giving (IEC 61851: 6 A per phase).
/// A session that cannot be controlled (its charger rejects or lacks smart charging, or is offline) is counted at
/// its <see cref="DemandW"/> before anything is shared.
/// </summary>
public sealed record PowerClaim(string SessionId, double DemandW, double MinW, int Priority = 0, bool Controllable = true);

/// <summary>
/// Shares a site's limit among its sessions. Pure: the site grain calls it whenever a session starts or stops, a
/// car's draw changes or the limit does. Rules, in order:
/// 1. Uncontrollable sessions are counted at their demand, first.
/// 2. Higher priority first; within a priority, a fair share by water-filling: a session that wants less than the
///    share gets what it wants (at least its minimum), and what it leaves is shared among the others.
/// 3. A share below a session's minimum helps nobody: then the sessions latest in the list (the last to start) are
///    paused (allowance 0), one at a time, until the others' share reaches their minimum.
/// The controllable allowances never add up to more than the limit left after rule 1, each is 0 or at least its
/// minimum and at most its demand, and no power is left over while a session could take more of it.
/// </summary>
public static class LoadAllocator
{
    public static ImmutableDictionary<string, double> Allocate(double limitW, IReadOnlyList<PowerClaim> claims)
    {
        var allowances = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        var remaining = Math.Max(0, limitW);
        foreach (var fixedClaim in claims.Where(c => !c.Controllable))
        {
            allowances[fixedClaim.SessionId] = Math.Max(0, fixedClaim.DemandW);
            remaining = Math.Max(0, remaining - Math.Max(0, fixedClaim.DemandW));
        }

        foreach (var tier in claims.Where(c => c.Controllable).GroupBy(c => c.Priority).OrderByDescending(g => g.Key))
        {
            var granted = Share(remaining, [.. tier]);
            foreach (var (id, w) in granted)
            {
                allowances[id] = w;
            }

            remaining = Math.Max(0, remaining - granted.Values.Sum());
        }

        // Left over while someone paused could use it: a paused session whose minimum now fits starts again.
        foreach (var claim in claims.Where(c => c.Controllable && allowances[c.SessionId] == 0 && Wanted(c) > 0))
        {
            if (remaining >= Wanted(claim) || remaining >= claim.MinW)
            {
                var w = Math.Min(Wanted(claim), remaining);
                allowances[claim.SessionId] = w;
                remaining -= w;
            }
        }

        return allowances.ToImmutable();
    }

    /// <summary>What a session may be given at most: its demand, raised to its minimum (a minimum is the least it can be given).</summary>
    private static double Wanted(PowerClaim c) => c.DemandW <= 0 ? 0 : Math.Max(c.DemandW, c.MinW);

    /// <summary>
    /// Water-filling of <paramref name="capacity"/> over one priority tier. When the level would fall below someone's
    /// minimum, the sessions latest in the list pause: the most sessions, in list order, whose fill starves nobody is
    /// found by bisection (serving fewer only raises the level, so "starves nobody" holds for every smaller count).
    /// </summary>
    private static Dictionary<string, double> Share(double capacity, List<PowerClaim> tier)
    {
        var result = tier.ToDictionary(c => c.SessionId, _ => 0.0, StringComparer.Ordinal);
        var active = tier.Where(c => Wanted(c) > 0).ToList();
        var (low, high) = (0, active.Count);
        Dictionary<string, double>? best = null;
        while (low < high)
        {
            var k = (low + high + 1) / 2;
            var levels = Fill(capacity, active.GetRange(0, k));
            if (Starves(levels, active, k))
            {
                high = k - 1;
            }
            else
            {
                (low, best) = (k, levels);
            }
        }

        if (low > 0)
        {
            best ??= Fill(capacity, active.GetRange(0, low));
            foreach (var (id, w) in best)
            {
                result[id] = w;
            }
        }

        return result;
    }

    private static bool Starves(Dictionary<string, double> levels, List<PowerClaim> active, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var c = active[i];
            var w = levels[c.SessionId];
            if (w < Wanted(c) && w < c.MinW)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Classic water-filling: sessions wanting less than the level get what they want; the rest get the level.</summary>
    private static Dictionary<string, double> Fill(double capacity, List<PowerClaim> claims)
    {
        var levels = new Dictionary<string, double>(claims.Count, StringComparer.Ordinal);
        var open = claims.OrderBy(Wanted).ToArray();
        var left = capacity;
        for (var i = 0; i < open.Length; i++)
        {
            var level = left / (open.Length - i);
            if (Wanted(open[i]) <= level)
            {
                levels[open[i].SessionId] = Wanted(open[i]);
                left -= Wanted(open[i]);
                continue;
            }

            for (var j = i; j < open.Length; j++)
            {
                levels[open[j].SessionId] = level;
            }

            break;
        }

        return levels;
    }
}
