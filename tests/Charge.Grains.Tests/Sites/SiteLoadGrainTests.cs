using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests.Sites;

[Collection(ClusterCollection.Name)]
public sealed class SiteLoadGrainTests(ClusterFixture fixture)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>The session's charger confirms the allowance it was last told, as a charger's answer does.</summary>
    private static async Task Confirm(ISiteLoadGrain site, string sessionId) =>
        await site.Applied(sessionId, (await site.Get()).Sessions.Single(s => s.SessionId == sessionId).AllowanceW);

    [Fact]
    public async Task The_late_answer_to_an_earlier_raise_does_not_release_raises_waiting_for_a_lowering()
    {
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(NewId("site"));
        await site.SetLimits(new SiteLimits(40), "UTC");
        await site.Started(new LoadSession("a", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        // a was told 22 kW; b's start lowers a to 20 kW, and b's 20 kW waits for a's charger to confirm that.
        await site.Started(new LoadSession("b", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));

        // The answer to the 22 kW limit arrives now: a may still draw 22 kW, so b must not be given 20 kW yet.
        await site.Applied("a", 22_000);
        var afterStaleAnswer = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);
        await site.Applied("a", 20_000);
        var afterLowering = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);

        Assert.Equal((20_000, 0), (afterStaleAnswer["a"], afterStaleAnswer["b"]));
        Assert.Equal((20_000, 20_000), (afterLowering["a"], afterLowering["b"]));
    }

    [Fact]
    public async Task A_session_that_cannot_be_limited_counts_at_its_maximum_until_its_measured_draw_says_less()
    {
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(NewId("site"));
        await site.SetLimits(new SiteLimits(30), "Europe/Amsterdam");
        await site.Started(new LoadSession("a", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("b", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));

        await site.Uncontrollable("a");
        var atMaximum = await site.Get();
        await site.Drawing("a", 5_000);
        var atDraw = await site.Get();

        Assert.Equal(8_000, atMaximum.Sessions.Single(s => s.SessionId == "b").AllowanceW, 6);
        Assert.Equal(22_000, atDraw.Sessions.Single(s => s.SessionId == "b").AllowanceW, 6);
        Assert.False(atDraw.Sessions.Single(s => s.SessionId == "a").Controllable);
    }

    [Fact]
    public async Task A_priority_group_is_served_before_the_public_and_the_last_to_start_pauses()
    {
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(NewId("site"));
        await site.SetLimits(new SiteLimits(20, PriorityGroups: ["fleet"]), "UTC");
        await site.Started(new LoadSession("public-1", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("public-2", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("fleet-1", NewId("cp"), 1, 11_000, SiteLimits.ThreePhaseMinimumW, "fleet"));

        // public-1 was lowered from 20 kW: the new sessions' raises wait until its charger confirms.
        var beforeConfirmation = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);
        await Confirm(site, "public-1");
        var allowance = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);

        Assert.Equal((0, 4_500, 0), (beforeConfirmation["fleet-1"], beforeConfirmation["public-1"], beforeConfirmation["public-2"]));
        // The fleet takes its 11 kW; 9 kW left for two public sessions is 4.5 kW each (above the 4.14 kW minimum).
        Assert.Equal(11_000, allowance["fleet-1"], 6);
        Assert.Equal(4_500, allowance["public-1"], 6);
        Assert.Equal(4_500, allowance["public-2"], 6);
        await site.SetLimits(new SiteLimits(18, PriorityGroups: ["fleet"]), "UTC");
        var held = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);
        await Confirm(site, "public-2");
        var tighter = (await site.Get()).Sessions.ToDictionary(s => s.SessionId, s => s.AllowanceW);
        // 7 kW left: 3.5 kW each would be below the minimum, so public-2 (the last public to start) pauses, and
        // public-1's raise to 7 kW waits until public-2's charger confirms the pause.
        Assert.Equal((11_000, 4_500, 0), (held["fleet-1"], held["public-1"], held["public-2"]));
        Assert.Equal((11_000, 7_000, 0), (tighter["fleet-1"], tighter["public-1"], tighter["public-2"]));
    }

    [Fact]
    public async Task A_session_counted_as_not_limited_is_shared_again_once_its_charger_is_reachable()
    {
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(NewId("site"));
        await site.SetLimits(new SiteLimits(30), "UTC");
        await site.Started(new LoadSession("a", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("b", NewId("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await Confirm(site, "a");

        await site.Uncontrollable("a");
        var fixedAtMaximum = (await site.Get()).Sessions.ToDictionary(s => s.SessionId);
        await site.Controllable("a");
        await Confirm(site, "b");
        var sharedAgain = (await site.Get()).Sessions.ToDictionary(s => s.SessionId);

        Assert.Equal((22_000, 8_000), (fixedAtMaximum["a"].AllowanceW, fixedAtMaximum["b"].AllowanceW));
        Assert.True(sharedAgain["a"].Controllable);
        Assert.Equal((15_000, 15_000), (sharedAgain["a"].AllowanceW, sharedAgain["b"].AllowanceW));
    }
}
