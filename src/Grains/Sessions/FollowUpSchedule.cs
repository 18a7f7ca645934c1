namespace Charge.Grains.Sessions;

/// <summary>
/// A session's follow-up timers: the stop's grace period and, while the activation lives, the retry of what follows
/// the completed record. After a crash its charger's reminder brings the session back (<c>EnsureFollowedUp</c>); the
/// session reminder earlier versions registered at each stop is still answered, then dropped.
/// </summary>
internal sealed class FollowUpSchedule(IGrainBase grain, SessionOptions options, Action<Exception> logFailed)
{
    /// <summary>The name of the session reminder earlier versions registered at each stop.</summary>
    public const string Reminder = "follow-up";

    private IGrainTimer? _retry;
    private IGrainTimer? _stopGrace;

    /// <summary>
    /// While a stop waits for batches still in flight: runs <paramref name="expired"/> once after the grace period
    /// (after a crash meanwhile, the charger's reminder reactivates the session, which starts it again).
    /// </summary>
    public void StartStopGrace(Func<Task> expired) =>
        _stopGrace ??= grain.RegisterGrainTimer(_ => expired(), new GrainTimerCreationOptions(options.StopGracePeriod, Timeout.InfiniteTimeSpan));

    /// <summary>The record is fixed: the grace timer goes.</summary>
    public void EndStopGrace()
    {
        _stopGrace?.Dispose();
        _stopGrace = null;
    }

    /// <summary>Runs <paramref name="followUp"/> on a timer, first after <paramref name="due"/>, then every ArchiveRetry, until <see cref="Done"/>.</summary>
    public void Retry(TimeSpan due, Func<Task> followUp) =>
        _retry ??= grain.RegisterGrainTimer(_ => followUp(), new GrainTimerCreationOptions(due, options.ArchiveRetry));

    /// <summary>The follow-up is done: the timer stops.</summary>
    public void Done()
    {
        _retry?.Dispose();
        _retry = null;
    }

    /// <summary>A reminder an earlier version registered at a stop has nothing left to do: it goes.</summary>
    public async Task Unregister()
    {
        try
        {
            if (await grain.GetReminder(Reminder) is { } reminder)
            {
                await grain.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            // It fires again, finds nothing to do, and is dropped then.
            logFailed(e);
        }
    }
}
