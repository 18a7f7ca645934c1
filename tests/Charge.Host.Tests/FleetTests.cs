using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>The operator's fleet view against the real host: list, online state, boot details, live power, decommissioning.</summary>
public sealed class FleetTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-20);

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private async Task<string> Site()
    {
        var siteId = TestIds.New("site");
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "Europe/Amsterdam" });
        return siteId;
    }

    private async Task<string> Register(string siteId, string? chargerId = null)
    {
        chargerId ??= TestIds.New("CP");
        await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, SiteId = siteId, ConnectorCount = 2 });
        return chargerId;
    }

    private async Task<OcppClient> Connect(string chargerId)
    {
        var registered = await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, SiteId = (await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId })).SiteId, ConnectorCount = 2 });
        return await OcppClient.ConnectAsync(host.OcppUri(chargerId), TestSecurity.Basic(chargerId, registered.Secret));
    }

    private async Task<List<Charger>> List(ListChargersRequest request)
    {
        var all = new List<Charger>();
        do
        {
            var page = await Chargers.ListChargersAsync(request);
            all.AddRange(page.Chargers);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return all;
    }

    [Fact]
    public async Task The_fleet_list_shows_which_chargers_are_online_what_they_are_and_the_power_they_draw()
    {
        var siteId = await Site();
        var connected = await Register(siteId);
        var silent = await Register(siteId);
        await using var cp = await Connect(connected);
        await cp.Call("BootNotification", new JsonObject
        {
            ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22", ["firmwareVersion"] = "4.2.1", ["chargePointSerialNumber"] = "SN-0042",
        });
        await cp.Call("StatusNotification", new JsonObject { ["connectorId"] = 2, ["errorCode"] = "NoError", ["status"] = "Available" });
        var start = await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "FLEET-1", ["meterStart"] = 0, ["timestamp"] = At(0) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();
        await cp.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = At(5),
                ["sampledValue"] = new JsonArray(
                    new JsonObject { ["value"] = "600", ["measurand"] = "Energy.Active.Import.Register" },
                    new JsonObject { ["value"] = "7200", ["measurand"] = "Power.Active.Import", ["unit"] = "W" }),
            }),
        });

        var listed = await List(new ListChargersRequest { SiteId = siteId, PageSize = 1 });
        var online = await List(new ListChargersRequest { SiteId = siteId, Online = true });
        var offline = await List(new ListChargersRequest { SiteId = siteId, Status = "offline" });

        Assert.Equal(new[] { connected, silent }.Order(StringComparer.Ordinal), listed.Select(c => c.ChargerId));
        var live = listed.Single(c => c.ChargerId == connected);
        Assert.True(live.Online);
        Assert.Equal("CHARGING", live.Status);
        Assert.Equal(("Acme", "AC22", "4.2.1", "SN-0042"), (live.Vendor, live.Model, live.FirmwareVersion, live.SerialNumber));
        Assert.NotNull(live.LastBoot);
        Assert.True((DateTime.UtcNow - live.LastSeen.ToDateTime()).Duration() < TimeSpan.FromMinutes(1));
        var charging = live.Connectors.Single(c => c.ConnectorId == 1);
        Assert.Equal($"{connected}~{tx}", charging.ActiveSessionId);
        Assert.Equal(7200, charging.PowerW);
        Assert.False(live.Connectors.Single(c => c.ConnectorId == 2).HasPowerW);
        var dark = listed.Single(c => c.ChargerId == silent);
        Assert.False(dark.Online);
        Assert.Equal("OFFLINE", dark.Status);
        Assert.Null(dark.LastSeen);
        Assert.Equal([connected], online.Select(c => c.ChargerId));
        Assert.Equal([silent], offline.Select(c => c.ChargerId));
    }

    [Fact]
    public async Task A_charger_whose_socket_closes_goes_offline_and_the_period_is_kept_for_its_availability()
    {
        var siteId = await Site();
        var chargerId = await Register(siteId);
        var from = DateTime.UtcNow.AddSeconds(-1);
        var cp = await Connect(chargerId);
        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        var whileConnected = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });

        await cp.DisposeAsync();
        var afterClose = await Eventually.Get(() => Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }).ResponseAsync, c => !c.Online);
        await using var again = await Connect(chargerId);
        await again.Call("Heartbeat", new JsonObject());
        var back = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });
        var availability = await Chargers.GetChargerAvailabilityAsync(new GetChargerAvailabilityRequest
        {
            ChargerId = chargerId, From = Timestamp.FromDateTime(from), To = Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(1)),
        });

        Assert.True(whileConnected.Online);
        Assert.False(afterClose.Online);
        Assert.Equal("OFFLINE", afterClose.Status);
        Assert.True(back.Online);
        var period = Assert.Single(availability.Periods);
        Assert.Equal("OFFLINE", period.Kind);
        Assert.NotNull(period.End);
        Assert.True(availability.OfflineSeconds > 0);
        Assert.InRange(availability.AvailablePercent, 0, 100);
        Assert.Equal(availability.MeasuredSeconds - availability.UnavailableSeconds, availability.MeasuredSeconds * availability.AvailablePercent / 100, 3);
    }

    [Fact]
    public async Task A_charger_faulted_as_a_whole_is_listed_faulted_and_its_fault_counts_against_availability()
    {
        var siteId = await Site();
        var chargerId = await Register(siteId);
        await using var cp = await Connect(chargerId);
        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });

        // After its registration: availability is counted from then.
        var faultAt = DateTime.UtcNow;
        await cp.Call("StatusNotification", new JsonObject { ["connectorId"] = 0, ["errorCode"] = "GroundFailure", ["status"] = "Faulted", ["timestamp"] = faultAt.ToString("O") });
        var faulted = await List(new ListChargersRequest { SiteId = siteId, Status = "FAULTED" });
        await cp.Call("StatusNotification", new JsonObject { ["connectorId"] = 0, ["errorCode"] = "NoError", ["status"] = "Available", ["timestamp"] = faultAt.AddMinutes(5).ToString("O") });
        var availability = await Chargers.GetChargerAvailabilityAsync(new GetChargerAvailabilityRequest
        {
            ChargerId = chargerId, From = Timestamp.FromDateTime(T0), To = Timestamp.FromDateTime(faultAt.AddMinutes(6)),
        });

        Assert.Equal([chargerId], faulted.Select(c => c.ChargerId));
        var period = availability.Periods.Single(p => p.Kind == "FAULTED");
        Assert.Equal(300, (period.End.ToDateTime() - period.Start.ToDateTime()).TotalSeconds, 3);
    }

    [Fact]
    public async Task Decommissioning_revokes_the_chargers_credential_and_keeps_its_sessions()
    {
        var siteId = await Site();
        var chargerId = TestIds.New("CP");
        var registered = await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, SiteId = siteId, ConnectorCount = 1 });
        var station = new StationService.StationServiceClient(host.RawChannel);
        var auth = TestSecurity.Header(TestSecurity.Basic(chargerId, registered.Secret));
        var session = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = "FLEET-2", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(T0),
        }, auth);

        var busy = await Assert.ThrowsAsync<RpcException>(() => Chargers.DeregisterChargerAsync(new DeregisterChargerRequest { ChargerId = chargerId }).ResponseAsync);
        await station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = session.SessionId, MeterStopWh = 2000, Timestamp = Timestamp.FromDateTime(T0.AddMinutes(10)), Reason = "Local",
        }, auth);
        var decommissioned = await Chargers.DeregisterChargerAsync(new DeregisterChargerRequest { ChargerId = chargerId });
        var refused = await Assert.ThrowsAsync<RpcException>(() => station.HeartbeatAsync(
            new HeartbeatRequest { ChargerId = chargerId, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) }, auth).ResponseAsync);
        var kept = await new SessionService.SessionServiceClient(host.Channel).GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId });
        var listed = await List(new ListChargersRequest { SiteId = siteId, IncludeDecommissioned = true });
        var network = await List(new ListChargersRequest { Status = "DECOMMISSIONED" });
        var site = await new SiteService.SiteServiceClient(host.Channel).GetSiteAsync(new GetSiteRequest { SiteId = siteId });

        Assert.Equal(StatusCode.FailedPrecondition, busy.StatusCode);
        Assert.Contains(session.SessionId, busy.Status.Detail);
        Assert.Equal("DECOMMISSIONED", decommissioned.Status);
        Assert.NotNull(decommissioned.DecommissionedAt);
        Assert.False(decommissioned.Registered);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(2000, kept.EnergyWh);
        Assert.Empty(listed);
        Assert.Contains(chargerId, network.Select(c => c.ChargerId));
        Assert.DoesNotContain(chargerId, site.ChargerIds);
    }

    [Fact]
    public async Task Fleet_calls_refuse_bad_input_naming_it()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Chargers.DeregisterChargerAsync(new DeregisterChargerRequest { ChargerId = TestIds.New("NOPE") }).ResponseAsync);
        var badStatus = await Assert.ThrowsAsync<RpcException>(() => Chargers.ListChargersAsync(new ListChargersRequest { Status = "SLEEPING" }).ResponseAsync);
        var numeric = await Assert.ThrowsAsync<RpcException>(() => Chargers.ListChargersAsync(new ListChargersRequest { Status = "3" }).ResponseAsync);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => Chargers.ListChargersAsync(new ListChargersRequest { PageToken = "%%%" }).ResponseAsync);
        var backwards = await Assert.ThrowsAsync<RpcException>(() => Chargers.GetChargerAvailabilityAsync(new GetChargerAvailabilityRequest
        {
            ChargerId = TestIds.New("CP"), From = Timestamp.FromDateTime(T0), To = Timestamp.FromDateTime(T0),
        }).ResponseAsync);
        var driver = await Assert.ThrowsAsync<RpcException>(() => Chargers.ListChargersAsync(new ListChargersRequest(),
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", ["T"])))).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badStatus.StatusCode);
        Assert.Contains("status 'SLEEPING'", badStatus.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, numeric.StatusCode);
        Assert.Equal((StatusCode.InvalidArgument, "page_token is not a token this API gave out"), (badToken.StatusCode, badToken.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "to must be after from"), (backwards.StatusCode, backwards.Status.Detail));
        Assert.Equal(StatusCode.PermissionDenied, driver.StatusCode);
    }
}
