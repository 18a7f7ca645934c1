using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>Range queries over a list of session references kept oldest first.</summary>
public static class SessionIndex
{
    /// <summary>References started in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    public static ImmutableArray<SessionRef> Query(IReadOnlyList<SessionRef> oldestFirst, DateTime from, DateTime to, int limit)
    {
        var result = ImmutableArray.CreateBuilder<SessionRef>();
        for (var i = oldestFirst.Count - 1; i >= 0 && result.Count < limit; i--)
        {
            var s = oldestFirst[i];
            if (s.StartedAt >= from && s.StartedAt < to)
            {
                result.Add(s);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Adds a reference in start order, once, and trims the oldest beyond the limit; false when it was there already.</summary>
    public static bool Add(List<SessionRef> oldestFirst, SessionRef reference, int limit)
    {
        if (oldestFirst.Any(s => s.SessionId == reference.SessionId))
        {
            return false;
        }

        var at = oldestFirst.Count;
        while (at > 0 && oldestFirst[at - 1].StartedAt > reference.StartedAt)
        {
            at--;
        }

        oldestFirst.Insert(at, reference);
        if (oldestFirst.Count > limit)
        {
            oldestFirst.RemoveRange(0, oldestFirst.Count - limit);
        }

        return true;
    }
}
