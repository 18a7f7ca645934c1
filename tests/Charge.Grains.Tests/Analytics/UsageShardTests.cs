using System.Collections.Immutable;
using Charge.Grains.Analytics;
using Charge.Grains.Interfaces;
using Charge.Tests;

namespace Charge.Grains.Tests;

/// <summary>A day's usage is spread over shards whose records hold only what is in flight, and still counts each session once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UsageShardTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static UsageContribution Contribution(string sessionId, decimal wh) =>
        new(sessionId, true, wh, 3600, [.. Enumerable.Range(0, UsageDay.Hours).Select(h => h == 10 ? wh : 0m)], [.. new long[UsageDay.Hours]]);

    [Fact]
    public void Sessions_spread_over_the_network_days_shards_and_a_session_always_hashes_to_the_same_one()
    {
        var network = UsageScope.OfNetwork.Key;
        var shards = Enumerable.Range(0, 800).Select(i => IUsageDayGrain.ShardOf(network, $"CP-{i}~{i * 7}")).ToList();

        Assert.Equal(8, IUsageDayGrain.Shards(network));
        Assert.Equal(4, IUsageDayGrain.Shards("site:depot"));
        Assert.Equal(1, IUsageDayGrain.Shards("charger:CP-1"));
        // No shard takes more than twice its share.
        Assert.All(Enumerable.Range(0, 8), s => Assert.InRange(shards.Count(x => x == s), 50, 200));
        Assert.Equal(IUsageDayGrain.ShardOf(network, "CP-1~42"), IUsageDayGrain.ShardOf(network, "CP-1~42"));
        // Fixed by the ID alone (FNV-1a), not by a per-process string hash: every silo and version agrees.
        Assert.Equal(5, IUsageDayGrain.ShardOf(network, "SIM-001~7"));
    }

    [Fact]
    public async Task A_repeated_contribution_counts_once_and_a_released_session_leaves_the_record()
    {
        var scope = $"charger:{Guid.NewGuid():N}";
        var date = new DateOnly(2026, 11, 30);
        var shard = Grains.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(scope, date, 0));

        await shard.Record(Contribution("S-1", 1000));
        await shard.Record(Contribution("S-1", 1000));
        await shard.Record(Contribution("S-2", 500));
        var counted = await shard.Get();
        await shard.Release("S-1");
        // Released, the shard no longer lists it: that is why the settlement releases only once it has written that
        // the session is counted, and never sends it again.
        await shard.Record(Contribution("S-1", 1000));
        var afterRelease = await shard.Get();

        Assert.Equal((2, 1500m), (counted.Sessions, counted.SessionEnergyWh));
        Assert.Equal((3, 2500m), (afterRelease.Sessions, afterRelease.SessionEnergyWh));
    }

    [Fact]
    public async Task A_contribution_retried_after_a_failed_write_is_stored_before_it_is_answered()
    {
        var scope = $"charger:{Guid.NewGuid():N}";
        var date = new DateOnly(2026, 11, 30);
        var shard = Grains.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(scope, date, 0));
        FaultInjectedStorage.FailNextWrites(shard.GetGrainId(), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => shard.Record(Contribution("S-1", 1000)));
        // The settlement retries: the shard has the session in memory from the failed attempt, and must store it now.
        await shard.Record(Contribution("S-1", 1000));

        var stored = await fixture.Stored<UsageDayState>("usage", shard.GetGrainId());
        Assert.Equal((1, 1000m), (stored.Day!.Sessions, stored.Day.SessionEnergyWh));
        Assert.Equal((1, 1000m), ((await shard.Get()).Sessions, (await shard.Get()).SessionEnergyWh));
    }

    [Fact]
    public async Task A_networks_day_in_a_report_is_the_sum_of_its_shards()
    {
        // A far date of its own, so other tests' sessions do not count here.
        var date = new DateOnly(2031, 3, 14);
        var network = UsageScope.OfNetwork.Key;
        var ids = Enumerable.Range(0, 40).Select(i => $"SHARD-{Guid.NewGuid():N}~{i}").ToList();
        foreach (var id in ids)
        {
            await Grains.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(network, date, IUsageDayGrain.ShardOf(network, id))).Record(Contribution(id, 1000));
        }

        var report = await Grains.GetGrain<IReportGrain>("reports").Usage(UsageScope.OfNetwork, date, date);
        var used = ids.Select(id => IUsageDayGrain.ShardOf(network, id)).Distinct().Count();

        Assert.Equal(40, report.Sessions);
        Assert.Equal(40m, report.EnergyKwh);
        Assert.True(used >= 6, $"{used} shards used");
    }
}
