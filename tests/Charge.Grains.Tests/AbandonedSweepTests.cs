using Charge.Grains.Chargers;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;

namespace Charge.Grains.Tests;

/// <summary>Which running sessions the charger's sweep closes, and why.</summary>
public sealed class AbandonedSweepTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    private static SessionView Running(string id, DateTime startedAt, DateTime? lastReadingAt) => new()
    {
        SessionId = id, ChargerId = "cp", IdTag = "TAG", Status = SessionStatus.Active, StartedAt = startedAt, LastReadingAt = lastReadingAt,
    };

    [Fact]
    public async Task A_session_still_running_at_the_longest_a_session_may_last_is_closed_however_lively_it_is()
    {
        var options = new SessionOptions { MaxSessionLength = TimeSpan.FromDays(7), AbandonedAfter = TimeSpan.FromHours(12) };
        var sessions = new Dictionary<string, SessionView>
        {
            // Eight days long and reading a minute ago: too long.
            ["long"] = Running("long", Now.AddDays(-8), Now.AddMinutes(-1)),
            // Six days long, reading now: runs on.
            ["week"] = Running("week", Now.AddDays(-6), Now.AddMinutes(-1)),
            // A day long, silent for 13 hours, and the charger silent too: abandoned.
            ["silent"] = Running("silent", Now.AddDays(-1), Now.AddHours(-13)),
        };
        var closed = new List<(string Id, string Reason)>();

        var count = await new AbandonedSweep(null!, options).Sweep(sessions.Keys, Now.AddHours(-13), Now,
            id => Task.FromResult(sessions[id]), (id, reason) => { closed.Add((id, reason)); return Task.CompletedTask; });

        Assert.Equal(2, count);
        Assert.Equal([("long", CloseReasons.MaxLengthReached), ("silent", CloseReasons.Abandoned)], closed.OrderBy(c => c.Id));
    }
}
