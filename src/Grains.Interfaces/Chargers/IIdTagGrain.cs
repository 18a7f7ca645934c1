using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>The sessions of one id_tag (a driver's token), for listing by driver.</summary>
[Alias("charge.IIdTagGrain")]
public interface IIdTagGrain : IGrainWithStringKey
{
    /// <summary>Interleaves: the adds arriving while a write is in flight share the next write.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("AddSession")]
    Task AddSession(SessionRef session);

    [Alias("ListSessions")]
    Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit);
}
