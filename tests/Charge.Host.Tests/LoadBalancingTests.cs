using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>A site's power limit shared among its sessions and sent to OCPP charge points as charging profiles.</summary>
public sealed class LoadBalancingTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-10);

    private SiteService.SiteServiceClient Sites => new(host.Channel);

    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private async Task<OcppClient> Charger(string siteId) => (await Registered(siteId)).Client;

    private async Task<(string Id, OcppClient Client)> Registered(string siteId, int connectors = 1)
    {
        var chargerId = TestIds.New("CP");
        return (chargerId, await Register(chargerId, siteId, connectors));
    }

    /// <summary>Registers the charger (again: a new secret) and connects it with the secret it was given.</summary>
    private async Task<OcppClient> Register(string chargerId, string siteId, int connectors = 1)
    {
        var registered = await Chargers.RegisterChargerAsync(new RegisterChargerRequest
        {
            ChargerId = chargerId, SiteId = siteId, ConnectorCount = connectors, MaxPowerW = 22_000, ConnectorPowerType = "AC_3_PHASE",
        });
        return await OcppClient.ConnectAsync(host.OcppUri(chargerId), TestSecurity.Basic(chargerId, registered.Secret));
    }

    private static async Task<int> Start(OcppClient cp, int connector = 1, int meterStart = 0) =>
        (await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = connector, ["idTag"] = "LB", ["meterStart"] = meterStart, ["timestamp"] = T0.ToString("O") }))[2]!["transactionId"]!.GetValue<int>();

    private async Task<string> LimitedSite(double limitKw)
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = limitKw });
        return siteId;
    }

    [Fact]
    public async Task A_re_registered_charger_keeps_its_site_and_a_start_that_supersedes_leaves_no_share_behind()
    {
        var siteId = await LimitedSite(40);
        var (chargerId, first) = await Registered(siteId);
        var tx1 = await Start(first);
        var alone = await NextLimit(first).WaitAsync(TimeSpan.FromSeconds(20));
        await Verify(first, ignores: false);
        await first.DisposeAsync();

        // The operator rotates the secret (a registration naming no site), as the README's steps and the simulator do.
        await using var second = await Register(chargerId, siteId: "");
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });
        // The charger lost its stop of tx1 and starts again on the same connector: tx1 is superseded.
        var tx2 = await Start(second, meterStart: 5_000);
        var limit = await NextLimit(second).WaitAsync(TimeSpan.FromSeconds(20));
        var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });
        var superseded = await new SessionService.SessionServiceClient(host.Channel).GetSessionAsync(new GetSessionRequest { SessionId = $"{chargerId}~{tx1}" });

        Assert.Equal(22_000, alone);
        Assert.Equal(siteId, charger.SiteId);
        Assert.Equal("Superseded", superseded.StopReason);
        // The new session gets the whole share its connector can take, not the 0 W the old session's share left.
        Assert.Equal(22_000, limit);
        Assert.Equal([$"{chargerId}~{tx2}"], load.Sessions.Select(s => s.SessionId));
        Assert.True(load.AllowedW <= 40_000);
    }

    [Fact]
    public async Task A_charger_moved_to_another_site_takes_its_running_session_to_that_sites_balancer()
    {
        var (from, to) = (await LimitedSite(40), await LimitedSite(30));
        var (chargerId, cp) = await Registered(from);
        await using var _ = cp;
        var tx = await Start(cp);
        await NextLimit(cp).WaitAsync(TimeSpan.FromSeconds(20));
        await Verify(cp, ignores: false);

        var moved = await Chargers.SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = to });
        var limitThere = await NextLimit(cp).WaitAsync(TimeSpan.FromSeconds(20));
        var left = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = from });
        var joined = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = to });

        Assert.Equal(to, moved.SiteId);
        Assert.Empty(left.Sessions);
        Assert.Equal([$"{chargerId}~{tx}"], joined.Sessions.Select(s => s.SessionId));
        Assert.Equal(22_000, limitThere);
    }

    [Fact]
    public async Task Removing_a_charging_connector_by_re_registering_is_refused_naming_it_and_its_stop_is_still_taken()
    {
        var siteId = await LimitedSite(40);
        var (chargerId, cp) = await Registered(siteId, connectors: 2);
        await using var _ = cp;
        var tx = await Start(cp, connector: 2);
        await NextLimit(cp).WaitAsync(TimeSpan.FromSeconds(20));
        await Verify(cp, ignores: false);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Chargers.RegisterChargerAsync(new RegisterChargerRequest
        {
            ChargerId = chargerId, SiteId = siteId, ConnectorCount = 1, MaxPowerW = 22_000,
        }).ResponseAsync);
        var stop = await cp.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 1000, ["timestamp"] = T0.AddMinutes(5).ToString("O") });
        var shrunk = await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1, MaxPowerW = 22_000 });
        var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"connector 2 (session {chargerId}~{tx})", refused.Status.Detail);
        Assert.Equal(3, stop[0]!.GetValue<int>());
        Assert.Equal((1, siteId), (shrunk.Charger.ConnectorCount, shrunk.Charger.SiteId));
        Assert.DoesNotContain(shrunk.Charger.Connectors, c => c.ConnectorId == 2);
        Assert.Empty(load.Sessions);
    }

    [Fact]
    public async Task A_site_is_deleted_only_once_no_charger_is_on_it()
    {
        var siteId = await LimitedSite(40);
        var (chargerId, cp) = await Registered(siteId);
        await cp.DisposeAsync();

        var busy = await Assert.ThrowsAsync<RpcException>(() => Sites.DeleteSiteAsync(new GetSiteRequest { SiteId = siteId }).ResponseAsync);
        await Chargers.SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = "" });
        await Sites.DeleteSiteAsync(new GetSiteRequest { SiteId = siteId });
        var gone = await Assert.ThrowsAsync<RpcException>(() => Sites.GetSiteAsync(new GetSiteRequest { SiteId = siteId }).ResponseAsync);
        var again = await Assert.ThrowsAsync<RpcException>(() => Sites.DeleteSiteAsync(new GetSiteRequest { SiteId = siteId }).ResponseAsync);
        var listed = await Sites.ListSitesAsync(new ListSitesRequest());
        var notThere = await Assert.ThrowsAsync<RpcException>(() => Chargers.SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = siteId }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, busy.StatusCode);
        Assert.Contains(chargerId, busy.Status.Detail);
        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound, StatusCode.NotFound), (gone.StatusCode, again.StatusCode, notThere.StatusCode));
        Assert.DoesNotContain(listed.Sites, s => s.SiteId == siteId);
    }

    [Fact]
    public async Task A_site_that_does_not_exist_is_refused_and_never_created_by_a_charger_naming_it()
    {
        var (chargerId, cp) = await Registered(await LimitedSite(40));
        await cp.DisposeAsync();
        var typo = TestIds.New("nosite");

        var move = await Assert.ThrowsAsync<RpcException>(() => Chargers.SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = typo }).ResponseAsync);
        var register = await Assert.ThrowsAsync<RpcException>(() => Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = TestIds.New("CP"), SiteId = typo, ConnectorCount = 1 }).ResponseAsync);
        var unknownCharger = await Assert.ThrowsAsync<RpcException>(() => Chargers.SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = TestIds.New("CP"), SiteId = "" }).ResponseAsync);
        var sites = await Sites.ListSitesAsync(new ListSitesRequest());

        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound, StatusCode.NotFound), (move.StatusCode, register.StatusCode, unknownCharger.StatusCode));
        Assert.Contains($"site '{typo}' does not exist", move.Status.Detail);
        Assert.DoesNotContain(sites.Sites, s => s.SiteId == typo);
    }

    // What each simulated charge point applied last: its composite schedule says so when asked.
    private readonly Dictionary<OcppClient, double> _applied = [];
    private readonly Dictionary<OcppClient, string> _units = [];

    /// <summary>
    /// The next SetChargingProfile the charge point receives, answered with <paramref name="status"/>; its limit in W.
    /// A GetCompositeSchedule met on the way is answered with what the charge point applied (or, when it
    /// <paramref name="ignores"/> limits, its full 22 kW).
    /// </summary>
    private async Task<double> NextLimit(OcppClient cp, string status = "Accepted", bool ignores = false)
    {
        while (true)
        {
            var (action, payload) = await cp.AnswerNextCall((a, p) => a == "GetCompositeSchedule"
                ? new JsonObject
                {
                    ["status"] = "Accepted", ["connectorId"] = 1,
                    ["chargingSchedule"] = new JsonObject
                    {
                        ["chargingRateUnit"] = "W",
                        ["chargingSchedulePeriod"] = new JsonArray(new JsonObject { ["startPeriod"] = 0, ["limit"] = ignores ? 22_000 : _applied.GetValueOrDefault(cp, 22_000) }),
                    },
                }
                : new JsonObject { ["status"] = status });
            if (action == "GetCompositeSchedule")
            {
                continue;
            }

            Assert.Equal("SetChargingProfile", action);
            var profile = payload["csChargingProfiles"]!;
            Assert.Equal("TxProfile", profile["chargingProfilePurpose"]!.GetValue<string>());
            _units[cp] = profile["chargingSchedule"]!["chargingRateUnit"]!.GetValue<string>();
            var limit = profile["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<double>();
            if (status == "Accepted")
            {
                _applied[cp] = limit;
            }

            return limit;
        }
    }

    /// <summary>Answers the GetCompositeSchedule that follows an accepted profile.</summary>
    private async Task Verify(OcppClient cp, bool ignores)
    {
        var (action, _) = await cp.AnswerNextCall((_, _) => new JsonObject
        {
            ["status"] = "Accepted", ["connectorId"] = 1,
            ["chargingSchedule"] = new JsonObject
            {
                ["chargingRateUnit"] = "W",
                ["chargingSchedulePeriod"] = new JsonArray(new JsonObject { ["startPeriod"] = 0, ["limit"] = ignores ? 22_000 : _applied.GetValueOrDefault(cp, 22_000) }),
            },
        });
        Assert.Equal("GetCompositeSchedule", action);
    }

    [Fact]
    public async Task Sessions_share_the_site_limit_as_they_come_and_go_and_a_charger_that_rejects_is_counted_at_its_maximum()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50 });
        await using var cp1 = await Charger(siteId);
        await using var cp2 = await Charger(siteId);
        await using var cp3 = await Charger(siteId);

        var tx1 = await Start(cp1);
        var alone = await NextLimit(cp1);
        await Verify(cp1, ignores: false);
        await Start(cp2);
        var second = await NextLimit(cp2);
        await Verify(cp2, ignores: false);
        await Start(cp3);
        // Two phases: cp1 and cp2 are lowered first; cp3's raise is sent once both confirmed theirs.
        var lowered = (await NextLimit(cp1), await NextLimit(cp2));
        await Verify(cp1, ignores: false);
        await Verify(cp2, ignores: false);
        var threeWay = (lowered.Item1, lowered.Item2, await NextLimit(cp3, "Rejected"));
        var unitsOffered = _units[cp3];
        // Refused in W, the same limit is offered in amperes per phase (many chargers take only A); refused again.
        var amps = await NextLimit(cp3, "Rejected");
        // cp3 refused: counted at 22 kW, so cp1 and cp2 share the 28 kW left.
        var afterRefusal = (await NextLimit(cp1), await NextLimit(cp2));
        await Verify(cp1, ignores: false);
        await Verify(cp2, ignores: false);
        // Its boot's 0 W default profile would hold its car at nothing: it is cleared.
        var (cleared, clearedProfile) = await cp3.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });
        await cp1.Call("StopTransaction", new JsonObject { ["transactionId"] = tx1, ["meterStop"] = 1000, ["timestamp"] = T0.AddMinutes(5).ToString("O"), ["reason"] = "Local" });
        var afterStop = await NextLimit(cp2);
        var session2 = await new SessionService.SessionServiceClient(host.Channel).GetSessionAsync(new GetSessionRequest { SessionId = load.Sessions[1].SessionId });
        var today = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).ToString("yyyy-MM-dd");
        var report = await new ReportService.ReportServiceClient(host.Channel).GetUsageReportAsync(new UsageReportRequest { Scope = "site", Id = siteId, From = today, To = today });

        Assert.Equal(22_000, alone);
        Assert.Equal(22_000, second);
        // 50 kW in three: each limit is rounded down to a tenth, so the three never add up above 50 kW.
        Assert.Equal((16_666.6, 16_666.6, 16_666.6), threeWay);
        Assert.Equal(("W", "A", 24.1), (unitsOffered, _units[cp3], amps));
        Assert.Equal((14_000, 14_000), afterRefusal);
        Assert.Equal(("ClearChargingProfile", 0), (cleared, clearedProfile["id"]!.GetValue<int>()));
        Assert.Equal(50_000, load.LimitInForceW);
        Assert.Equal([true, true, false], load.Sessions.Select(s => s.Controllable));
        Assert.True(load.AllowedW <= 50_000);
        Assert.Equal(22_000, afterStop);
        Assert.Equal(22_000, session2.AllowanceW);
        // Three sessions were given all 50 kW together for a while, and held below the 22 kW they could take.
        Assert.Equal(50, report.PeakAllowedKw, 3);
        Assert.True(report.HoursAtLimit > 0);
        Assert.True(report.EnergyDeferredKwh > 0);
    }

    [Fact]
    public async Task Impossible_limits_are_refused_naming_the_field()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });

        async Task<RpcException> Refused(SetSiteLimitsRequest r) => await Assert.ThrowsAsync<RpcException>(() => Sites.SetSiteLimitsAsync(r).ResponseAsync);

        var belowMinimum = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 3 });
        var negative = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = -10 });
        var huge = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 1e9 });
        var aboveGrid = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50, TimeOfDay = { new TimeOfDayLimit { Start = "17:00", End = "21:00", LimitKw = 80 } } });
        var badTime = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50, TimeOfDay = { new TimeOfDayLimit { Start = "5pm", End = "21:00", LimitKw = 20 } } });
        var badDay = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50, TimeOfDay = { new TimeOfDayLimit { Start = "17:00", End = "21:00", LimitKw = 20, Days = { "FUNDAY" } } } });
        // One string listing days is not a list of days (it was read as flags: Monday | Tuesday = Wednesday).
        var daysInOneString = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50, TimeOfDay = { new TimeOfDayLimit { Start = "17:00", End = "21:00", LimitKw = 20, Days = { "Monday, Tuesday" } } } });
        var dayNumber = await Refused(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50, TimeOfDay = { new TimeOfDayLimit { Start = "17:00", End = "21:00", LimitKw = 20, Days = { "3" } } } });
        var unknownSite = await Refused(new SetSiteLimitsRequest { SiteId = TestIds.New("nope"), GridLimitKw = 50 });
        var ok = await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest
        {
            SiteId = siteId, GridLimitKw = 50, PriorityGroups = { "fleet" },
            TimeOfDay = { new TimeOfDayLimit { Start = "22:00", End = "06:00", LimitKw = 30, Days = { "saturday" } } },
        });

        Assert.All(new[] { belowMinimum, negative, huge }, e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Contains("grid_limit_kw must be between 4.14 kW", belowMinimum.Status.Detail);
        Assert.Contains("time_of_day[0].limit_kw 80 is above grid_limit_kw 50", aboveGrid.Status.Detail);
        Assert.Contains("time_of_day[0].start '5pm' must be HH:mm", badTime.Status.Detail);
        Assert.Contains("time_of_day[0].days[0] 'FUNDAY' must be one of MONDAY ... SUNDAY", badDay.Status.Detail);
        Assert.Contains("time_of_day[0].days[0] 'Monday, Tuesday' must be one of MONDAY ... SUNDAY (one day name per list entry)", daysInOneString.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, dayNumber.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknownSite.StatusCode);
        Assert.Equal((50, "22:00", "06:00", "SATURDAY", "fleet"), (ok.GridLimitKw, ok.TimeOfDay[0].Start, ok.TimeOfDay[0].End, ok.TimeOfDay[0].Days[0], ok.PriorityGroups[0]));
    }

    [Fact]
    public async Task A_charger_that_accepts_a_profile_but_does_not_apply_it_is_counted_at_its_maximum()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 30 });
        await using var honest = await Charger(siteId);
        await using var liar = await Charger(siteId);

        await Start(honest);
        var first = await NextLimit(honest);
        await Verify(honest, ignores: false);
        await Start(liar);
        var lowered = await NextLimit(honest);
        await Verify(honest, ignores: false);
        var shared = (lowered, await NextLimit(liar, ignores: true));
        await Verify(liar, ignores: true);
        // The liar's composite schedule still says 22 kW: it is counted at 22 kW, the honest one gets the 8 kW left.
        var afterCheck = await NextLimit(honest);
        var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });

        Assert.Equal(22_000, first);
        Assert.Equal((15_000, 15_000), shared);
        Assert.Equal(8_000, afterCheck);
        Assert.Equal([true, false], load.Sessions.Select(s => s.Controllable));
    }

    [Fact]
    public async Task A_charger_booting_on_a_limited_site_gets_a_default_profile_of_nothing_until_its_sessions_are_told()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 30 });
        await using var cp = await Charger(siteId);

        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        var (action, payload) = await cp.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });

        Assert.Equal("SetChargingProfile", action);
        Assert.Equal(0, payload["connectorId"]!.GetValue<int>());
        var profile = payload["csChargingProfiles"]!;
        Assert.Equal(("TxDefaultProfile", 0.0), (profile["chargingProfilePurpose"]!.GetValue<string>(),
            profile["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Removing_the_limit_clears_the_profiles_and_a_limit_in_amperes_is_taken_per_phase()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        var inAmps = await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitAmpsPerPhase = 25 });
        await using var cp = await Charger(siteId);
        var tx = await Start(cp);
        var limit = await NextLimit(cp);
        await Verify(cp, ignores: false);

        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId });
        // The transaction's profile and the charger's default profile both go (in either order).
        var cleared = new[]
        {
            await cp.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" }),
            await cp.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" }),
        };

        // 25 A x 3 phases x 230 V = 17.25 kW.
        Assert.Equal(17.25, inAmps.GridLimitKw, 6);
        Assert.Equal(17_250, limit);
        Assert.Equal([("ClearChargingProfile", 0), ("ClearChargingProfile", tx)],
            cleared.Select(c => (c.Action, c.Payload["id"]!.GetValue<int>())).Order());
    }

    [Fact]
    public async Task A_charger_connected_before_its_site_is_limited_gets_the_default_profile_then()
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        await using var cp = await Charger(siteId);
        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });

        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 40 });
        var (action, payload) = await cp.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });

        var profile = payload["csChargingProfiles"]!;
        Assert.Equal(("SetChargingProfile", 0, "TxDefaultProfile", 0.0), (action, payload["connectorId"]!.GetValue<int>(),
            profile["chargingProfilePurpose"]!.GetValue<string>(), profile["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<double>()));
    }

    /// <summary>
    /// A site of <paramref name="count"/> simulated 22 kW charge points under <paramref name="gridLimitKw"/>: each
    /// registered on the site and connected; the 2.0.1 ones (<paramref name="v201"/>) in strict schema mode.
    /// </summary>
    private async Task<(string SiteId, SimulatedSite Site, List<SimulatedChargePoint> Points)> SimulatedSiteOf(
        string name, double gridLimitKw, int count, Func<int, bool> v201, Func<int, double>? carMaxW = null)
    {
        var siteId = TestIds.New("site");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = name, TimeZone = "Europe/Amsterdam" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = gridLimitKw });
        var site = new SimulatedSite();
        var points = new List<SimulatedChargePoint>();
        for (var i = 0; i < count; i++)
        {
            var chargerId = TestIds.New("SIM");
            var registered = await new ChargerService.ChargerServiceClient(host.Channel).RegisterChargerAsync(new RegisterChargerRequest
            {
                ChargerId = chargerId, SiteId = siteId, ConnectorCount = 1, MaxPowerW = 22_000, ConnectorPowerType = "AC_3_PHASE",
            });
            var point = await SimulatedChargePoint.ConnectAsync(host.OcppUri(chargerId), TestSecurity.Basic(chargerId, registered.Secret), site,
                22_000, carMaxW?.Invoke(i) ?? 22_000, v201(i));
            if (point.Protocol == "ocpp2.0.1")
            {
                GatewayFixture.Strict201(point.Client);
            }

            points.Add(point);
        }

        return (siteId, site, points);
    }

    /// <summary>Every charging car reports its register and power every half second, as a charger's sampled data does, until stopped.</summary>
    private static Task Metering(IReadOnlyList<SimulatedChargePoint> points, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.WhenAll(points.Select(p => p.MeterValues()));
            await Task.Delay(500);
        }
    });

    [Fact]
    public async Task Ten_22_kW_charge_points_on_a_100_kW_site_never_draw_more_than_100_kW_as_cars_come_and_go()
    {
        // Two of the cars take at most 11 kW: what they leave of their share goes to the others.
        var (siteId, site, points) = await SimulatedSiteOf("Depot", 100, 10, v201: _ => false, carMaxW: i => i % 5 == 4 ? 11_000 : 22_000);

        await Task.WhenAll(points.Select(p => p.Boot()));
        // Each got its TxDefaultProfile at boot.
        await Eventually.Until(() => points.All(p => p.LimitW is not null));
        using var stop = new CancellationTokenSource();
        var metering = Metering(points, stop.Token);

        // What the cars could take, and the least the site should give them once the shares settle (an 11 kW car
        // is given a little above its draw, so up to 5 % may stay unused).
        double Demand(IEnumerable<SimulatedChargePoint> charging) => charging.Sum(p => Math.Min(p.CarMaxW, p.ChargerMaxW));
        async Task<(double Total, bool Minimum)> Settled(IReadOnlyList<SimulatedChargePoint> charging, double fraction = 0.95)
        {
            var wanted = fraction * Math.Min(100_000, Demand(charging));
            try
            {
                await Eventually.Until(() => site.TotalW >= wanted, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });
                Assert.Fail($"the site draws {site.TotalW} W, not {wanted}: " + string.Join("; ", points.Select(p =>
                    $"tx {p.TransactionId} draws {p.DrawW} under {p.LimitW} after {string.Join(",", p.Received.Select(r => r.Action))}"))
                    + " | balancer: " + load);
            }

            // Every car charging gets at least the IEC 61851 minimum or pauses.
            return (site.TotalW, charging.All(p => p.DrawW == 0 || p.DrawW >= 4_140));
        }

        foreach (var p in points)
        {
            await p.StartTransaction("LB");
            await Task.Delay(200);
        }

        var allTen = await Settled(points);
        foreach (var p in points.Take(3))
        {
            await p.StopTransaction();
        }

        var seven = await Settled(points[3..]);
        foreach (var p in points.Skip(3).Take(4))
        {
            await p.StopTransaction();
        }

        // Three cars want 55 kW: each draws all it can (within the hysteresis: a change under 2 % is not sent).
        var three = await Settled(points[7..], fraction: 0.98);
        // Cars come back at once: three start together on a full site.
        await Task.WhenAll(points.Take(3).Select(p => p.StartTransaction("LB")));
        var six = await Settled([.. points.Take(3), .. points[7..]]);
        stop.Cancel();
        await metering;
        var load = await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId });
        foreach (var p in points)
        {
            await p.DisposeAsync();
        }

        // The site's total draw was sampled at every profile applied, start, stop and reading: never above 100 kW.
        Assert.True(site.PeakW <= 100_000, $"the site drew {site.PeakW} W: {site.PeakDetail}");
        Assert.True(site.Changes > 100, $"only {site.Changes} samples");
        Assert.True(allTen.Total >= 95_000 && allTen.Minimum, $"ten cars: {allTen}");
        Assert.True(seven.Total >= 95_000 && seven.Minimum, $"seven cars: {seven}");
        Assert.True(three.Total >= 0.98 * 55_000 && three.Minimum, $"three cars: {three}");
        Assert.True(six.Total >= 95_000 && six.Minimum, $"six cars: {six}");
        Assert.Equal(6, load.Sessions.Count);
        Assert.All(load.Sessions, s => Assert.True(s.Controllable));
        Assert.True(load.AllowedW <= 100_000);
    }

    [Fact]
    public async Task A_site_of_16_and_201_charge_points_never_draws_more_than_its_limit()
    {
        // One fleet: three OCPP 1.6 and three OCPP 2.0.1 charge points share a 60 kW site; the 2.0.1 ones are
        // limited with 2.0.1 profiles (per EVSE, naming their string transaction), checked against the schemas.
        var (_, site, points) = await SimulatedSiteOf("Mixed", 60, 6, v201: i => i % 2 == 1);

        await Task.WhenAll(points.Select(p => p.Boot()));
        await Eventually.Until(() => points.All(p => p.LimitW is not null));
        using var stop = new CancellationTokenSource();
        var metering = Metering(points, stop.Token);

        foreach (var p in points)
        {
            await p.StartTransaction("LB");
            await Task.Delay(200);
        }

        // 132 kW wanted on a 60 kW site: the shares settle near the limit, on both versions' chargers.
        await Eventually.Until(() => site.TotalW >= 0.95 * 60_000, TimeSpan.FromSeconds(30));
        var settled = site.TotalW;
        var limited201 = points.Where(p => p.Protocol == "ocpp2.0.1").All(p => p.LimitW is > 0 and < 22_000);
        foreach (var p in points.Take(2))
        {
            await p.StopTransaction();
        }

        await Eventually.Until(() => site.TotalW >= 0.95 * 60_000, TimeSpan.FromSeconds(30));
        stop.Cancel();
        await metering;
        foreach (var p in points)
        {
            await p.DisposeAsync();
        }

        Assert.True(site.PeakW <= 60_000, $"the site drew {site.PeakW} W: {site.PeakDetail}");
        Assert.True(settled >= 57_000, $"six cars drew {settled} W");
        Assert.True(limited201, "the 2.0.1 charge points were not limited below their maximum");
    }

    [Fact]
    public async Task A_limit_set_on_a_201_station_from_outside_is_respected_and_the_rest_goes_to_the_others()
    {
        var (_, site, points) = await SimulatedSiteOf("External", 30, 2, v201: _ => true);

        await Task.WhenAll(points.Select(p => p.Boot()));
        foreach (var p in points)
        {
            await p.StartTransaction("LB");
        }

        // Shared evenly at first.
        await Eventually.Until(() => points.All(p => p.LimitW is >= 14_000 and <= 15_000), TimeSpan.FromSeconds(30));
        // The building's energy manager limits the first station's EVSE to 5 kW.
        await points[0].Client.CallResult("NotifyChargingLimit", new JsonObject
        {
            ["chargingLimit"] = new JsonObject { ["chargingLimitSource"] = "EMS" }, ["evseId"] = 1,
            ["chargingSchedule"] = new JsonArray(new JsonObject
            {
                ["id"] = 1, ["chargingRateUnit"] = "W", ["chargingSchedulePeriod"] = new JsonArray(new JsonObject { ["startPeriod"] = 0, ["limit"] = 5000 }),
            }),
        });
        await Eventually.Until(() => points[0].LimitW <= 5_000 && points[1].LimitW >= 21_000, TimeSpan.FromSeconds(30));
        var limited = (points[0].LimitW, points[1].LimitW);
        await points[0].Client.CallResult("ClearedChargingLimit", new JsonObject { ["chargingLimitSource"] = "EMS", ["evseId"] = 1 });
        await Eventually.Until(() => points.All(p => p.LimitW is >= 14_000 and <= 15_000), TimeSpan.FromSeconds(30));
        foreach (var p in points)
        {
            await p.DisposeAsync();
        }

        Assert.True(limited.Item1 <= 5_000 && limited.Item2 >= 21_000, $"with the outside limit: {limited}");
        Assert.True(site.PeakW <= 30_000, $"the site drew {site.PeakW} W: {site.PeakDetail}");
    }
}
