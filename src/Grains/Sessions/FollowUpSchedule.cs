namespace Charge.Grains.Sessions;

/// <summary>
/// What makes a session's follow-up happen after any failure: a durable reminder (registered before the record it
/// follows is written, so it survives a crash of any process) and, while the activation lives, a retry timer.
/// </summary>
internal sealed class FollowUpSchedule(IGrainBase grain, SessionOptions options, Action<Exception> logStorageFailed, Action<Exception> logFailed)
{
    /// <summary>The reminder's name: it drives both a stop's grace period and the settlement.</summary>
    public const string Reminder = "follow-up";

    private IGrainTimer? _retry;
    private IGrainTimer? _stopGrace;

    /// <summary>
    /// While a stop waits for batches still in flight: runs <paramref name="expired"/> once after the grace period
    /// (the reminder covers a crash meanwhile).
    /// </summary>
    public void StartStopGrace(Func<Task> expired) =>
        _stopGrace ??= grain.RegisterGrainTimer(_ => expired(), new GrainTimerCreationOptions(options.StopGracePeriod, Timeout.InfiniteTimeSpan));

    /// <summary>The record is fixed: the grace timer goes.</summary>
    public void EndStopGrace()
    {
        _stopGrace?.Dispose();
        _stopGrace = null;
    }

    /// <summary>Registers the reminder; a storage failure is Unavailable and nothing else is applied.</summary>
    public Task EnsureReminder() =>
        DurableWrite.OrUnavailable(
            () => grain.RegisterOrUpdateReminder(Reminder, options.FollowUpReminderPeriod, options.FollowUpReminderPeriod),
            logStorageFailed, "storage is unavailable: the request was not applied; retry", "reminder");

    /// <summary>Runs <paramref name="followUp"/> on a timer, first after <paramref name="due"/>, then every ArchiveRetry, until <see cref="Done"/>.</summary>
    public void Retry(TimeSpan due, Func<Task> followUp) =>
        _retry ??= grain.RegisterGrainTimer(_ => followUp(), new GrainTimerCreationOptions(due, options.ArchiveRetry));

    /// <summary>The follow-up is done: the timer stops and the reminder goes.</summary>
    public async Task Done()
    {
        _retry?.Dispose();
        _retry = null;
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
