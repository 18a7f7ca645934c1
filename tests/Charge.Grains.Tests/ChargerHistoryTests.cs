using Charge.Grains.Chargers;
using Charge.Grains.Interfaces;
using Charge.Tests;

namespace Charge.Grains.Tests;

/// <summary>A charger's sessions are listed from monthly pages, so its own record does not grow with them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ChargerHistoryTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private Task<ChargerState> Stored(string chargerId) => fixture.StoredCharger(chargerId);

    [Fact]
    public async Task Sessions_of_two_months_are_listed_newest_first_across_their_pages_and_the_charger_keeps_only_the_months()
    {
        var chargerId = TestIds.New("HIST");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var starts = new[] { new DateTime(2026, 10, 30, 22, 0, 0, DateTimeKind.Utc), new DateTime(2026, 10, 31, 23, 30, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc) };
        var ids = new List<string>();
        foreach (var at in starts)
        {
            var started = await charger.StartSession(new StartSessionCommand(TestIds.New("s"), chargerId, 1, "HIST-TAG", 0, at));
            await charger.StopSession(new StopSessionCommand(started.SessionId, 1_000, at.AddMinutes(30), "Local"));
            ids.Add(started.SessionId);
        }

        var all = await charger.ListSessions(DateTime.MinValue, DateTime.MaxValue, 100);
        var newestTwo = await charger.ListSessions(DateTime.MinValue, DateTime.MaxValue, 2);
        var october = await charger.ListSessions(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), 100);
        var page = await Grains.GetGrain<IChargerHistoryGrain>(IChargerHistoryGrain.Key(chargerId, "2026-10")).Query(DateTime.MinValue, DateTime.MaxValue, 100);
        var stored = await Stored(chargerId);

        Assert.Equal([ids[2], ids[1], ids[0]], all.Select(r => r.SessionId));
        Assert.Equal([ids[2], ids[1]], newestTwo.Select(r => r.SessionId));
        Assert.Equal([ids[1], ids[0]], october.Select(r => r.SessionId));
        Assert.Equal([ids[1], ids[0]], page.Select(r => r.SessionId));
        Assert.Equal(["2026-10", "2026-11"], stored.HistoryMonths);
    }
}
