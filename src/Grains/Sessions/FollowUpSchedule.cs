using Microsoft.Extensions.DependencyInjection;

namespace Charge.Grains.Sessions;

/// <summary>
/// A session's follow-up timers: the stop's grace period and, while the activation lives, the retry of what follows
/// the completed record. After a crash its charger's reminder brings the session back (<c>EnsureFollowedUp</c>).
/// </summary>
internal sealed class FollowUpSchedule(IGrainContext grain, SessionOptions options)
{
    private Orleans.Timers.ITimerRegistry Timers => grain.ActivationServices.GetRequiredService<Orleans.Timers.ITimerRegistry>();

    private IGrainTimer? _retry;
    private IGrainTimer? _stopGrace;

    /// <summary>
    /// While a stop waits for batches still in flight: runs <paramref name="expired"/> once after the grace period
    /// (after a crash meanwhile, the charger's reminder reactivates the session, which starts it again).
    /// </summary>
    public void StartStopGrace(Func<Task> expired) =>
        _stopGrace ??= Timers.RegisterGrainTimer(grain, (_, _) => expired(), (object?)null, new GrainTimerCreationOptions(options.StopGracePeriod, Timeout.InfiniteTimeSpan));

    /// <summary>The record is fixed: the grace timer goes.</summary>
    public void EndStopGrace()
    {
        _stopGrace?.Dispose();
        _stopGrace = null;
    }

    /// <summary>Runs <paramref name="followUp"/> on a timer, first after <paramref name="due"/>, then every ArchiveRetry, until <see cref="Done"/>.</summary>
    public void Retry(TimeSpan due, Func<Task> followUp) =>
        _retry ??= Timers.RegisterGrainTimer(grain, (_, _) => followUp(), (object?)null, new GrainTimerCreationOptions(due, options.ArchiveRetry));

    /// <summary>The follow-up is done: the timer stops.</summary>
    public void Done()
    {
        _retry?.Dispose();
        _retry = null;
    }
}
