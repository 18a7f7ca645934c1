using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>Index of the sessions one id_tag started, for listing by driver.</summary>
public sealed class IdTagGrain(
    [PersistentState("idtag", StorageNames.Charge)] IPersistentState<IdTagState> state) : Grain, IIdTagGrain
{
    public const int HistoryLimit = 2000;

    // Starts of one tag on many chargers at once (a fleet card) share writes instead of queueing one write each.
    private CoalescedWrite? _write;

    private CoalescedWrite Write => _write ??= new CoalescedWrite(() => state.WriteOrUnavailable(GrainContext));

    public Task AddSession(SessionRef session) =>
        SessionIndex.Add(state.State.Sessions, session, HistoryLimit) ? Write.WriteAsync() : Write.StoredAsync();

    public Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit) =>
        Task.FromResult(SessionIndex.Query(state.State.Sessions, from, to, limit));
}

[GenerateSerializer]
[Alias("charge.IdTagState")]
public sealed record IdTagState
{
    [Id(0)] public List<SessionRef> Sessions { get; set; } = [];
}
