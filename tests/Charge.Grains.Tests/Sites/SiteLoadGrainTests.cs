using Charge.Grains.Interfaces;
using Charge.Tests;

namespace Charge.Grains.Tests.Sites;

[Collection(ClusterCollection.Name)]
public sealed class SiteLoadGrainTests(ClusterFixture fixture)
{
    /// <summary>The session's charger confirms the allowance it was last told, as a charger's answer does.</summary>
    private static async Task Confirm(ISiteLoadGrain site, string sessionId) =>
        await site.Applied(sessionId, (await site.Get()).Sessions.Single(s => s.SessionId == sessionId).AllowanceW);

    [Fact]
    public async Task The_late_answer_to_an_earlier_raise_does_not_release_raises_waiting_for_a_lowering()
    {
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(TestIds.New("site"));
        await site.SetLimits(new SiteLimits(40), "UTC");
        await site.Started(new LoadSession("a", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        // a was told 22 kW; b's start lowers a to 20 kW, and b's 20 kW waits for a's charger to confirm that.
        await site.Started(new LoadSession("b", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));

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
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(TestIds.New("site"));
        await site.SetLimits(new SiteLimits(30), "Europe/Amsterdam");
        await site.Started(new LoadSession("a", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("b", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));

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
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(TestIds.New("site"));
        await site.SetLimits(new SiteLimits(20, PriorityGroups: ["fleet"]), "UTC");
        await site.Started(new LoadSession("public-1", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("public-2", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("fleet-1", TestIds.New("cp"), 1, 11_000, SiteLimits.ThreePhaseMinimumW, "fleet"));

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
        var site = fixture.Grains.GetGrain<ISiteLoadGrain>(TestIds.New("site"));
        await site.SetLimits(new SiteLimits(30), "UTC");
        await site.Started(new LoadSession("a", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("b", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
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

/// <summary>The balancer never keeps a share reserved for a session that is over, and never trusts a silent or lying charger.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiteLoadRepairTests(ClusterFixture fixture)
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    private IGrainFactory Grains => fixture.Grains;

    private async Task<string> Site(double limitKw)
    {
        var siteId = TestIds.New("site");
        await Grains.GetGrain<ISiteGrain>(siteId).Put(new SiteInfo("Depot", "UTC"));
        await Grains.GetGrain<ISiteLoadGrain>(siteId).SetLimits(new SiteLimits(limitKw), "UTC");
        return siteId;
    }

    private async Task<IChargerGrain> Charger(string siteId, int connectors = 1)
    {
        var charger = Grains.GetGrain<IChargerGrain>(TestIds.New("cp"));
        await charger.Register(new ChargerRegistration(siteId, connectors, new string('a', 64), MaxPowerW: 22_000));
        return charger;
    }

    [Fact]
    public async Task The_balancer_drops_sessions_no_charger_of_its_site_runs_and_gives_their_share_to_the_live_ones()
    {
        var siteId = await Site(40);
        var site = Grains.GetGrain<ISiteLoadGrain>(siteId);
        var charger = await Charger(siteId);
        var idle = await Charger(siteId);
        var elsewhere = await Charger(await Site(40));
        var live = await charger.StartSession(new StartSessionCommand("live", "", 1, "TAG-1", 0, T0));
        // Ends nobody told the balancer of (a lost telling): a session an idle charger of the site does not run, one
        // of a charger on another site, one of a charger nobody knows, each "drawing" 400 kW.
        foreach (var (ghost, chargerId) in new[] { ("ghost-1", idle.GetPrimaryKeyString()), ("ghost-2", elsewhere.GetPrimaryKeyString()), ("ghost-3", TestIds.New("cp")) })
        {
            await site.Started(new LoadSession(ghost, chargerId, 1, 400_000, SiteLimits.ThreePhaseMinimumW, null));
            await site.Uncontrollable(ghost);
        }

        var before = await site.Get();
        var dropped = await site.CheckSessions();
        var after = await site.Get();
        var again = await site.CheckSessions();

        // The ghosts hold 1.2 MW of a 40 kW site (this charger has no channel to take a limit: counted at its maximum).
        Assert.Equal(4, before.Sessions.Length);
        Assert.True(before.AllowedW > 1_200_000);
        Assert.Equal(3, dropped);
        Assert.Equal([live.SessionId], after.Sessions.Select(s => s.SessionId));
        Assert.Equal(0, again);
        Assert.Equal(22_000, after.Sessions.Single().AllowanceW);
        Assert.True(after.AllowedW <= 40_000);
    }

    [Fact]
    public async Task A_first_allowance_never_confirmed_counts_the_session_as_not_limited_within_the_timeout()
    {
        var siteId = await Site(30);
        var site = Grains.GetGrain<ISiteLoadGrain>(siteId);
        await site.Started(new LoadSession("silent", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        var told = await site.Get();

        // Its only allowance is its first (a raise from nothing): the fixture's timeout is 10 s, checked every third of it.
        var gaveUp = await Eventually.Get(() => site.Get(), v => !v.Sessions.Single().Controllable, TimeSpan.FromSeconds(20));

        Assert.Equal((22_000.0, true), (told.Sessions.Single().AllowanceW, told.Sessions.Single().Controllable));
        Assert.False(gaveUp.Sessions.Single().Overdrawing);
    }

    [Fact]
    public async Task A_car_that_draws_clearly_above_its_confirmed_allowance_is_counted_at_its_draw_and_shown_as_overdrawing()
    {
        var siteId = await Site(30);
        var site = Grains.GetGrain<ISiteLoadGrain>(siteId);
        await site.Started(new LoadSession("obeys", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));
        await site.Started(new LoadSession("ignores", TestIds.New("cp"), 1, 22_000, SiteLimits.ThreePhaseMinimumW, null));

        await site.Overdrawing("ignores", 20_000);
        var view = await site.Get();

        var ignores = view.Sessions.Single(s => s.SessionId == "ignores");
        Assert.Equal((false, true, 20_000.0), (ignores.Controllable, ignores.Overdrawing, ignores.DrawW));
        // Counted at its 20 kW draw: 10 kW left for the other.
        Assert.Equal(10_000, view.Sessions.Single(s => s.SessionId == "obeys").AllowanceW, 6);
    }
}
