using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Charge.Grains.Interfaces;

/// <summary>One charging session keyed by its session ID: accumulates energy from its meter stream.</summary>
[Alias("charge.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session; repeating the same start returns the current view, another charger gets AlreadyExists.</summary>
    [Alias("Start")]
    Task<SessionView> Start(StartSessionCommand command, SessionTerms terms);

    /// <summary>
    /// Stops the session. <paramref name="publishedSequence"/> is the last meter batch the charger published and
    /// <paramref name="recentBatches"/> the batches it still holds: applied here (idempotently) so the record can
    /// be fixed without waiting for the stream; otherwise it is fixed once the stream has delivered the awaited
    /// batch or a grace period has passed.
    /// </summary>
    [Alias("Stop")]
    Task<SessionView> Stop(StopSessionCommand command, long publishedSequence, ImmutableArray<MeterBatch> recentBatches);

    /// <summary>
    /// Closes an active or stopping session without the charger's stop: the energy is its last accepted register,
    /// never a value the caller gives. A completed session is returned as it is.
    /// </summary>
    [Alias("Close")]
    Task<SessionView> Close(CloseSessionCommand command, ImmutableArray<MeterBatch> recentBatches);

    /// <summary>
    /// The session now. Interleaves: a reader does not queue behind batches being consumed (the view is built
    /// synchronously from consistent state, and cached per version).
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("GetView")]
    Task<SessionView> GetView();

    /// <summary>
    /// Asked by the session's charger, on its reminder, for a session it stopped or closed: runs what follows the
    /// completed record (archive, usage, invoice) if it has not run yet, and answers whether it is done. A session
    /// still waiting out its stop's grace period answers false; one not stopped (none, running) true: nothing to follow.
    /// </summary>
    [Alias("EnsureFollowedUp")]
    Task<bool> EnsureFollowedUp();

    /// <summary>Records the credit note that reversed this completed session's invoice (once; a different note is refused).</summary>
    [Alias("MarkCredited")]
    Task MarkCredited(string creditNoteNumber);

    /// <summary>The power the site's load balancer allows the session now (shown with it; not part of its record).</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("ShowAllowance")]
    Task ShowAllowance(double allowanceW);

    /// <summary>Waits until the session is completed or the timeout passes, and returns the view then.</summary>
    [AlwaysInterleave]
    [Alias("WaitForCompletion")]
    Task<SessionView> WaitForCompletion(TimeSpan timeout);

    /// <summary>Registers (or renews) a watcher; returns the current view. Watchers expire unless renewed.</summary>
    [Alias("Watch")]
    Task<SessionView> Watch(ISessionWatcher watcher);

    [Alias("Unwatch")]
    Task Unwatch(ISessionWatcher watcher);
}
