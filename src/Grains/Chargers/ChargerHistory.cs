using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

[GenerateSerializer]
[Alias("charge.ChargerHistoryState")]
public sealed record ChargerHistoryState
{
    /// <summary>The month's sessions, oldest first.</summary>
    [Id(0)] public List<SessionRef> Sessions { get; set; } = [];
}

/// <summary>One month of one charger's sessions (see <see cref="IChargerHistoryGrain"/>).</summary>
public sealed class ChargerHistoryGrain(
    [PersistentState("chargerhistory", StorageNames.Charge)] IPersistentState<ChargerHistoryState> state) : Grain, IChargerHistoryGrain
{
    /// <summary>Far above what one connector can start in a month; a bound, not a working limit.</summary>
    public const int MonthLimit = 100_000;

    // Tracks what is stored, so a retry after a failed write is answered only once the page holds its session.
    private CoalescedWrite? _write;

    public Task Add(ImmutableArray<SessionRef> sessions)
    {
        var added = false;
        foreach (var session in sessions)
        {
            added |= SessionIndex.Add(state.State.Sessions, session, MonthLimit);
        }

        _write ??= new CoalescedWrite(() => state.WriteOrUnavailable(GrainContext));
        return added ? _write.WriteAsync() : _write.StoredAsync();
    }

    public Task<ImmutableArray<SessionRef>> Query(DateTime from, DateTime to, int limit) =>
        Task.FromResult(SessionIndex.Query(state.State.Sessions, from, to, limit));
}

/// <summary>
/// A charger's list of sessions, kept in monthly pages: the charger's state lists only which months have sessions.
/// A charger written before paging still has its list in its state until it moves it (at activation).
/// </summary>
internal static class ChargerHistory
{
    /// <summary>Notes the session's month in the charger's state (written by the caller with the start).</summary>
    public static string Note(ChargerState state, SessionRef reference)
    {
        var month = IChargerHistoryGrain.MonthOf(reference.StartedAt);
        if (!state.HistoryMonths.Contains(month))
        {
            state.HistoryMonths.Add(month);
            state.HistoryMonths.Sort(StringComparer.Ordinal);
        }

        return month;
    }

    public static Task Add(IGrainFactory grains, string chargerId, string month, SessionRef reference) =>
        grains.GetGrain<IChargerHistoryGrain>(IChargerHistoryGrain.Key(chargerId, month)).Add([reference]);

    /// <summary>References started in [from, to), newest first, at most <paramref name="limit"/>, across the months in range.</summary>
    public static async Task<ImmutableArray<SessionRef>> Query(IGrainFactory grains, string chargerId, ChargerState state, DateTime from, DateTime to, int limit)
    {
        var result = ImmutableArray.CreateBuilder<SessionRef>();
        var first = IChargerHistoryGrain.MonthOf(from);
        var last = IChargerHistoryGrain.MonthOf(to == DateTime.MaxValue ? to : to.AddTicks(-1));
        foreach (var month in state.HistoryMonths.Where(m => string.CompareOrdinal(m, first) >= 0 && string.CompareOrdinal(m, last) <= 0).Reverse())
        {
            if (result.Count >= limit)
            {
                break;
            }

            result.AddRange(await grains.GetGrain<IChargerHistoryGrain>(IChargerHistoryGrain.Key(chargerId, month)).Query(from, to, limit - result.Count));
        }

        return result.ToImmutable();
    }
}
