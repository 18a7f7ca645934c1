using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// Closes sessions a charger stopped reporting for (a lost stop, a dead charger): driven by a durable reminder while
/// sessions run, so it happens after any crash too.
/// </summary>
internal sealed class AbandonedSweep(IGrainBase grain, Sessions.SessionOptions options)
{
    public const string Reminder = "abandoned-sessions";

    // Whether this activation registered the reminder: a busy charger's starts do not each write the reminder table.
    private bool _registered;

    /// <summary>Registers the reminder while sessions run here (when the sweep is on), once per activation.</summary>
    public async Task Ensure()
    {
        if (options.AbandonedAfter > TimeSpan.Zero && !_registered)
        {
            var period = options.AbandonedSweepPeriod;
            await grain.RegisterOrUpdateReminder(Reminder, period, period);
            _registered = true;
        }
    }

    /// <summary>No session runs here any more: the reminder goes.</summary>
    public async Task Stop()
    {
        _registered = false;
        if (await grain.GetReminder(Reminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Closes every running session whose last sign of life (the charger's last contact, or its last reading) is
    /// older than AbandonedAfter; how many were closed.
    /// </summary>
    public async Task<int> Sweep(IEnumerable<string> active, DateTime lastContact, DateTime now,
        Func<string, Task<SessionView>> view, Func<string, Task> close)
    {
        var after = options.AbandonedAfter;
        if (after <= TimeSpan.Zero)
        {
            return 0;
        }

        var closed = 0;
        foreach (var sessionId in active.ToArray())
        {
            var session = await view(sessionId);
            var lastReading = session.LastReadingAt ?? session.StartedAt;
            // Station clocks drift: a reading's own timestamp is compared with the server's clock only as a lower bound.
            var lastSign = new[] { lastContact, lastReading <= now ? lastReading : now }.Max();
            if (now - lastSign >= after)
            {
                await close(sessionId);
                closed++;
            }
        }

        return closed;
    }
}
