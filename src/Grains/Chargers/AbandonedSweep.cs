using Microsoft.Extensions.DependencyInjection;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// The charger's durable reminder, registered before a session's start is answered and kept while sessions run or
/// wait for their follow-up, so both happen after a crash of any process: every FollowUpReminderPeriod it asks the
/// sessions stopped here to finish their follow-up, and every AbandonedSweepPeriod it closes sessions the charger
/// stopped reporting for (a lost stop, a dead charger) or that ended without the charger recording it.
/// One reminder per charger instead of one per stop keeps the reminder table off a stop's path.
/// </summary>
internal sealed class AbandonedSweep(IGrainContext grain, Sessions.SessionOptions options)
{
    private Orleans.Timers.IReminderRegistry Reminders => grain.ActivationServices.GetRequiredService<Orleans.Timers.IReminderRegistry>();

    public const string Reminder = "abandoned-sessions";

    // Whether this activation registered the reminder: a busy charger's starts do not each write the reminder table.
    private bool _registered;
    private DateTime _lastSweep = DateTime.MinValue;

    private TimeSpan Period => options.AbandonedSweepPeriod < options.FollowUpReminderPeriod ? options.AbandonedSweepPeriod : options.FollowUpReminderPeriod;

    /// <summary>Registers the reminder while sessions run here, once per activation; a failure is Unavailable.</summary>
    public async Task Ensure()
    {
        if (!_registered)
        {
            await DurableWrite.OrUnavailable(async () =>
            {
                await Reminders.RegisterOrUpdateReminder(grain.GrainId, Reminder, Period, Period);
                return true;
            }, _ => { }, "storage is unavailable: the session was not started; retry", "reminder");
            _registered = true;
        }
    }

    /// <summary>Whether this tick sweeps for abandoned sessions (the first after an activation does).</summary>
    public bool SweepDue(DateTime now)
    {
        if (now - _lastSweep < options.AbandonedSweepPeriod)
        {
            return false;
        }

        _lastSweep = now;
        return true;
    }

    /// <summary>No session runs here or waits for its follow-up any more: the reminder goes.</summary>
    public async Task Stop()
    {
        _registered = false;
        if (await Reminders.GetReminder(grain.GrainId, Reminder) is { } reminder)
        {
            await Reminders.UnregisterReminder(grain.GrainId, reminder);
        }
    }

    /// <summary>
    /// Closes every running session whose last sign of life (the charger's last contact, or its last reading) is
    /// older than AbandonedAfter, or that has run MaxSessionLength, and releases one the charger still lists though it
    /// has ended (its stop was written, then a crash came before the charger's release was); how many.
    /// </summary>
    public async Task<int> Sweep(IEnumerable<string> active, DateTime lastContact, DateTime now,
        Func<string, Task<SessionView>> view, Func<string, string, Task> close)
    {
        var after = options.AbandonedAfter;
        var closed = 0;
        foreach (var sessionId in active.ToArray())
        {
            var session = await view(sessionId);
            var lastReading = session.LastReadingAt ?? session.StartedAt;
            // Station clocks drift: a reading's own timestamp is compared with the server's clock only as a lower bound.
            var lastSign = new[] { lastContact, lastReading <= now ? lastReading : now }.Max();
            if (session.Status is SessionStatus.Stopping or SessionStatus.Completed || (after > TimeSpan.Zero && now - lastSign >= after))
            {
                await close(sessionId, CloseReasons.Abandoned);
                closed++;
            }
            else if (now - session.StartedAt >= options.MaxSessionLength)
            {
                await close(sessionId, CloseReasons.MaxLengthReached);
                closed++;
            }
        }

        return closed;
    }
}
