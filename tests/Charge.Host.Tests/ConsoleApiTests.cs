using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Host.Tests;

/// <summary>What the console added to the public API: list filters, tariffs in words, assignments, the capacity plan.</summary>
public sealed class ConsoleApiTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private async Task<(HttpStatusCode Status, JsonNode Body)> Get(string path)
    {
        using var response = await host.Http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Chargers_filter_by_model_and_firmware_and_sessions_by_state()
    {
        var siteId = TestIds.New("fsite");
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Filters", TimeZone = "Europe/Berlin" });
        var booted = new List<string>();
        foreach (var (vendor, model, firmware) in new[] { ("Acme", "AC22", "4.2.1"), ("Acme", "DC150", "1.0.0"), ("Volt", "AC11", "4.2.7") })
        {
            var id = TestIds.New("FLT");
            var registered = await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = id, SiteId = siteId, ConnectorCount = 1 });
            await using var cp = await OcppClient.ConnectAsync(host.OcppUri(id), TestSecurity.Basic(id, registered.Secret));
            await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = vendor, ["chargePointModel"] = model, ["firmwareVersion"] = firmware });
            booted.Add(id);
        }

        var (_, acme) = await Get($"/v1/chargers?siteId={siteId}&model=acme");
        var (_, ac) = await Get($"/v1/chargers?siteId={siteId}&model=ac");
        var (_, four) = await Get($"/v1/chargers?siteId={siteId}&firmware=4.2.");
        var (_, both) = await Get($"/v1/chargers?siteId={siteId}&model=AC22&firmware=4.2");
        static string[] Ids(JsonNode list) => [.. (list["chargers"]?.AsArray() ?? []).Select(c => c!["chargerId"]!.GetValue<string>()).Order()];
        Assert.Equal(new[] { booted[0], booted[1] }.Order(), Ids(acme));
        // "ac" is in every vendor-and-model text here ("Acme …", "Volt AC11").
        Assert.Equal(booted.Order(), Ids(ac));
        Assert.Equal(new[] { booted[0], booted[2] }.Order(), Ids(four));
        Assert.Equal([booted[0]], Ids(both));

        // Sessions by state: one completed and one running on a charger.
        var chargerId = TestIds.New("STATE");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        var station = new StationService.StationServiceClient(host.Channel);
        var t0 = DateTime.UtcNow.AddMinutes(-30);
        var done = await station.StartSessionAsync(new StartSessionRequest { ChargerId = chargerId, ConnectorId = 1, IdTag = "RFID-ST", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(t0) });
        await station.StopSessionAsync(new StopSessionRequest { ChargerId = chargerId, SessionId = done.SessionId, MeterStopWh = 1000, Timestamp = Timestamp.FromDateTime(t0.AddMinutes(5)), Reason = "Local" });
        var running = await station.StartSessionAsync(new StartSessionRequest { ChargerId = chargerId, ConnectorId = 1, IdTag = "RFID-ST", MeterStartWh = 1000, Timestamp = Timestamp.FromDateTime(t0.AddMinutes(10)) });
        var (_, active) = await Get($"/v1/sessions?chargerId={chargerId}&state=ACTIVE");
        var (_, completed) = await Get($"/v1/sessions?chargerId={chargerId}&state=SESSION_STATE_COMPLETED");
        var (badStatus, bad) = await Get($"/v1/sessions?chargerId={chargerId}&state=RUNNING");
        Assert.Equal([running.SessionId], active["sessions"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<string>()));
        Assert.Equal(1, active["totals"]!["sessions"]!.GetValue<int>());
        Assert.Equal([done.SessionId], completed["sessions"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("state must be SESSION_STATE_ACTIVE", bad["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tokens_and_customers_are_searched_by_prefix_and_paged_within_it()
    {
        var prefix = TestIds.New("PX", 12);
        var tokens = new TokenService.TokenServiceClient(host.Channel);
        foreach (var tag in new[] { $"{prefix}-A1", $"{prefix}-A2", $"{prefix}-B1", $"{prefix}-A3", $"{prefix}A" })
        {
            await tokens.PutTokenAsync(new PutTokenRequest { IdTag = tag, Status = "ACCEPTED" });
        }

        var first = await tokens.ListTokensAsync(new ListTokensRequest { Prefix = $"{prefix}-A", PageSize = 2 });
        var second = await tokens.ListTokensAsync(new ListTokensRequest { Prefix = $"{prefix}-A", PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal([$"{prefix}-A1", $"{prefix}-A2"], first.Tokens.Select(t => t.IdTag));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal([$"{prefix}-A3"], second.Tokens.Select(t => t.IdTag));
        Assert.Empty(second.NextPageToken);
        var none = await tokens.ListTokensAsync(new ListTokensRequest { Prefix = $"{prefix}-Z" });
        Assert.Empty(none.Tokens);

        var customers = new CustomerService.CustomerServiceClient(host.Channel);
        foreach (var id in new[] { $"{prefix}-acme", $"{prefix}-acorn", $"{prefix}-beta" })
        {
            await customers.PutCustomerAsync(new PutCustomerRequest { CustomerId = id, Name = id });
        }

        var ac = await customers.ListCustomersAsync(new ListCustomersRequest { Prefix = $"{prefix}-ac" });
        Assert.Equal([$"{prefix}-acme", $"{prefix}-acorn"], ac.Customers.Select(c => c.CustomerId));
    }

    [Fact]
    public async Task A_tariff_is_described_in_sentences_per_version_and_its_assignments_are_listed()
    {
        var tariffId = TestIds.New("TD");
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.30m)));
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.40m)));
        var (_, latest) = await Get($"/v1/tariffs/{tariffId}/description");
        var (_, first) = await Get($"/v1/tariffs/{tariffId}/description?version=1");
        var (missing, _) = await Get($"/v1/tariffs/{TestIds.New("NOPE")}/description");

        Assert.Equal(2, latest["tariff"]!["version"]!.GetValue<int>());
        Assert.Contains(latest["sentences"]!.AsArray(), s => s!.GetValue<string>().Contains("0.40", StringComparison.Ordinal));
        Assert.Contains(first["sentences"]!.AsArray(), s => s!.GetValue<string>().Contains("0.30", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, missing);

        var siteId = TestIds.New("asite");
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Assigned", TimeZone = "UTC" });
        var from = DateTime.UtcNow.AddDays(1).Date;
        using (var assign = await host.Http.PostAsJsonAsync($"/v1/sites/{siteId}/tariff", new { tariffId, effectiveFrom = from.ToString("O") }))
        {
            Assert.Equal(HttpStatusCode.OK, assign.StatusCode);
        }

        var (_, listed) = await Get($"/v1/tariff-assignments?siteId={siteId}");
        var one = Assert.Single(listed["assignments"]!.AsArray());
        Assert.Equal(tariffId, one!["tariffId"]!.GetValue<string>());
        var (both, bothBody) = await Get($"/v1/tariff-assignments?siteId={siteId}&chargerId=CP-1");
        Assert.Equal(HttpStatusCode.BadRequest, both);
        Assert.Contains("exactly one of", bothBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_site_capacity_plan_is_served_with_advice_and_an_unknown_site_is_not_found()
    {
        var siteId = TestIds.New("csite");
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Plan", TimeZone = "Asia/Tokyo" });
        await new SiteService.SiteServiceClient(host.Channel).SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 40 });

        var (status, plan) = await Get($"/v1/sites/{siteId}/capacity-plan");
        var (rangeStatus, ranged) = await Get($"/v1/sites/{siteId}/capacity-plan?from=2026-11-01&to=2026-11-10");
        var (unknown, why) = await Get($"/v1/sites/{TestIds.New("nosite")}/capacity-plan");
        var (badRange, _) = await Get($"/v1/sites/{siteId}/capacity-plan?from=2026-11-10&to=2026-11-01");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(40.0, plan["gridLimitKw"]!.GetValue<double>());
        // Default: 56 local days ending today in the site's zone (enough for a forecast scored on a held-out week, once
        // the site has that much history; the forecast itself is checked in CapacityPlannerTests).
        Assert.Equal(56, plan["history"]!.AsArray().Count);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
        Assert.Equal(today.ToString("yyyy-MM-dd"), plan["to"]!.GetValue<string>());
        Assert.Null(plan["forecast"]);
        Assert.Equal("no session in the range: nothing to forecast from", plan["forecastNote"]!.GetValue<string>());
        Assert.Equal("none", plan["advice"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, rangeStatus);
        Assert.Equal(10, ranged["history"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("does not exist", why["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badRange);
    }

    [Fact]
    public async Task A_stop_asked_stays_on_the_charger_until_the_session_ends()
    {
        var chargerId = TestIds.New("PEND");
        var registered = await Chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1 });
        await using var cp = await OcppClient.ConnectAsync(host.OcppUri(chargerId), TestSecurity.Basic(chargerId, registered.Secret));
        // A charger that refuses remote stops: the session runs on.
        cp.OnCall = (action, _) => action == "RemoteStopTransaction" ? new JsonObject { ["status"] = "Rejected" } : null;
        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        var start = await cp.Call("StartTransaction", new JsonObject
        {
            ["connectorId"] = 1, ["idTag"] = "RFID-PEND", ["meterStart"] = 0, ["timestamp"] = DateTime.UtcNow.AddMinutes(-5).ToString("O"),
        });
        var tx = start[2]!["transactionId"]!.GetValue<int>();
        var sessionId = $"{chargerId}~{tx}";
        using (var asked = await host.Http.PostAsJsonAsync($"/v1/sessions/{sessionId}:requestStop", new { }))
        {
            var body = await asked.Content.ReadAsStringAsync();
            Assert.True(asked.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("Rejected", body);
        }

        var (_, charger) = await Get($"/v1/chargers/{chargerId}");
        var pending = Assert.Single(charger["pendingStops"]!.AsArray());
        Assert.Equal((sessionId, "Rejected", "operator:test-operator"),
            (pending!["sessionId"]!.GetValue<string>(), pending["status"]!.GetValue<string>(), pending["requestedBy"]!.GetValue<string>()));
        Assert.InRange(DateTime.Parse(pending["requestedAt"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        await cp.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 500, ["timestamp"] = DateTime.UtcNow.ToString("O"), ["reason"] = "Local" });
        var (_, after) = await Get($"/v1/chargers/{chargerId}");
        Assert.Empty(after["pendingStops"]?.AsArray() ?? []);
    }
}
