using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Charge.Host.Tests;

/// <summary>
/// Console pages as components: each rendered in the browser against answers given here (the API is stubbed at the
/// network, so a page's every state can be shown: empty, refused, streaming), checking what it shows and sends.
/// </summary>
public sealed class ConsoleComponentTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private const string Sites = """{"sites":[{"siteId":"depot","name":"Depot","timeZone":"Europe/Amsterdam","chargerIds":["CP-1"],"connectorCount":2}]}""";

    [Fact]
    public async Task The_fleet_says_what_to_do_when_empty_and_when_filters_match_nothing()
    {
        await using var b = await Page(420, new()
        {
            ["/v1/chargers"] = _ => (200, """{"chargers":[]}"""),
        });
        await b.Go("#/chargers");
        Assert.Contains("No charger is registered yet: register one below", await b.Page.InnerTextAsync("#chargers"));
        await b.Go("#/chargers?status=FAULTED");
        Assert.Contains("No charger matches these filters", await b.Page.InnerTextAsync("#chargers"));
        await b.Check("component-chargers-empty");
    }

    [Fact]
    public async Task A_charger_page_shows_times_in_its_site_zone_and_a_command_shows_the_charger_answer()
    {
        var sent = new List<JsonNode>();
        await using var b = await Page(1400, new()
        {
            ["/v1/chargers/CP-1:remote-start"] = r =>
            {
                sent.Add(JsonNode.Parse(r.PostData!)!);
                return (200, """{"status":"Rejected"}""");
            },
            ["/v1/chargers/CP-1/availability"] = _ => (200, """{"chargerId":"CP-1","availablePercent":75,"offlineSeconds":3600,"periods":[{"kind":"OFFLINE","start":"2026-12-07T10:00:00Z","end":"2026-12-07T11:00:00Z"}]}"""),
            ["/v1/chargers/CP-1/device-model"] = _ => (200, """{"variables":[{"component":"EVSE","evse":1,"variable":"Power","value":"22000","unit":"W","mutability":"ReadOnly"}]}"""),
            ["/v1/chargers/CP-1"] = _ => (200, """
                {"chargerId":"CP-1","siteId":"depot","connectorCount":2,"online":true,"status":"CHARGING","lastSeen":"2026-12-07T12:00:00Z",
                 "connectors":[{"connectorId":1,"status":"CONNECTOR_STATUS_CHARGING","activeSessionId":"CP-1~7","statusAt":"2026-12-07T12:00:00Z","powerW":11000}],
                 "refusedStarts":[{"at":"2026-12-07T09:30:00Z","connectorId":2,"idTag":"RFID-X","status":"Blocked","reason":"blocked"}],"refusedStartCount":1,
                 "securityEvents":[{"type":"InvalidFirmwareSignature","timestamp":"2026-12-07T08:00:00Z","techInfo":"bad sig"}],"securityEventCount":1}
                """),
            ["/v1/sessions"] = _ => (200, """{"sessions":[],"totals":{}}"""),
        });
        await b.Go("#/chargers/CP-1");
        // 12:00 UTC is 13:00 in Amsterdam in December, and the zone is named.
        Assert.Contains("2026-12-07 13:00 CET", await b.Page.InnerTextAsync("#connector-table"));
        Assert.Contains("RFID-X", await b.Page.InnerTextAsync("main"));
        Assert.Contains("InvalidFirmwareSignature", await b.Page.InnerTextAsync("main"));
        Assert.Contains("22000 W", await b.Page.InnerTextAsync("#device-model"));
        await b.Check("component-charger");

        await b.Page.ClickAsync("#charger-actions button:text-is('Remote start')");
        await b.Page.SelectOptionAsync("dialog.confirm select[name=connector]", "2");
        await b.Page.FillAsync("dialog.confirm input[name=idTag]", "RFID-42");
        await b.Page.ClickAsync("dialog.confirm button.danger");
        await b.Page.WaitForSelectorAsync("dialog.confirm .answer.ok");
        Assert.Equal("The charger answered: Rejected", await b.Page.InnerTextAsync("dialog.confirm .answer"));
        var body = Assert.Single(sent);
        Assert.Equal(2, body["connectorId"]!.GetValue<int>());
        Assert.Equal("RFID-42", body["idTag"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_tariff_shows_the_message_at_the_document_and_a_refused_limit_at_its_field()
    {
        await using var b = await Page(420, new()
        {
            ["/v1/tariffs/T-1"] = r => r.Method == "PUT"
                ? (400, """{"code":3,"message":"currency 'eur' is not an ISO 4217 code (three upper-case letters, e.g. EUR)"}""")
                : (404, """{"code":5,"message":"not found"}"""),
            ["/v1/tariffs"] = _ => (200, """{"tariffs":[]}"""),
            ["/v1/sites/depot/limits"] = _ => (400, """{"code":3,"message":"time_of_day[0].limit_kw 80 is above grid_limit_kw 50: a time-of-day limit only lowers the grid limit"}"""),
            ["/v1/sites/depot/load"] = _ => (200, """{"siteId":"depot","gridLimitKw":50,"timeOfDay":[{"start":"17:00","end":"21:00","limitKw":80}],"sessions":[]}"""),
            ["/v1/sites/depot"] = _ => (200, """{"siteId":"depot","name":"Depot","timeZone":"Europe/Amsterdam","chargerIds":[]}"""),
            ["/v1/tariff-assignments"] = _ => (200, """{"assignments":[]}"""),
            ["/v1/reports/usage"] = _ => (200, """{"sessions":0,"energyKwhByWeekdayHour":[]}"""),
        });
        await b.Go("#/tariffs");
        Assert.Contains("No tariff yet", await b.Page.InnerTextAsync("#tariffs"));
        await b.Page.FillAsync("form [name=tariff_id]", "T-1");
        await b.Page.FillAsync("form textarea[name=ocpi]", """{"id":"T-1","currency":"eur","elements":[]}""");
        await b.Page.ClickAsync("form:has(textarea) button[type=submit]");
        await b.Page.WaitForSelectorAsync("textarea[name=ocpi][aria-invalid=true]");
        Assert.Contains("ISO 4217", await b.Page.InnerTextAsync("form:has(textarea) .field-error"));
        Assert.Equal("false", await b.Page.GetAttributeAsync("form [name=tariff_id]", "aria-invalid"));

        await b.Go("#/sites/depot");
        await b.Page.ClickAsync("#limits-form button[type=submit]");
        await b.Page.WaitForSelectorAsync("#limits-form [aria-invalid=true]");
        Assert.Equal("time_of_day[0].limit_kw", await b.Page.GetAttributeAsync("#limits-form [aria-invalid=true]", "name"));
        b.Errors.Clear();
        await b.Check("component-site-refused", refusalShown: true);
    }

    [Fact]
    public async Task A_session_page_follows_the_watch_stream_and_its_running_cost()
    {
        static string Session(int wh, string cost) =>
            $$$"""{"sessionId":"CP-1~7","chargerId":"CP-1","connectorId":1,"siteId":"depot","timeZone":"Europe/Amsterdam","state":"SESSION_STATE_ACTIVE","startedAt":"2026-12-07T12:00:00Z","energyWh":{{{wh}}},"lastPowerW":11000,"readingCount":2,"cost":{"currency":"EUR","total":{"exclVat":"1.00","inclVat":"{{{cost}}}"}},"slots":[{"start":"2026-12-07T12:00:00Z","energyWh":{{{wh}}},"maxPowerW":11000}]}""";
        await using var b = await Page(1400, new()
        {
            ["/v1/sessions/CP-1~7:watch"] = _ => (200, Session(2000, "0.60") + "\n" + Session(3500, "1.05") + "\n"),
            ["/v1/sessions/CP-1~7"] = _ => (200, Session(1000, "0.30")),
        });
        await b.Go("#/sessions/CP-1~7");
        await b.Page.WaitForFunctionAsync("() => window.chargeSession.session && window.chargeSession.session.energyWh === 3500");
        Assert.Equal("EUR 1.05 incl. VAT (1.00 excl.)", await b.Page.InnerTextAsync("#session-cost"));
        Assert.Equal("3.500 kWh", await b.Page.InnerTextAsync("#session-energy"));
        Assert.True(await b.Page.EvaluateAsync<int>("() => window.chargeSession.updates") >= 3);
        await b.Check("component-session");
    }

    [Fact]
    public async Task The_overview_lists_what_needs_attention_and_says_so_when_nothing_does()
    {
        var trouble = true;
        await using var b = await Page(1400, new()
        {
            ["/v1/reports/usage"] = _ => (200, """{"sessions":0}"""),
            ["/v1/chargers"] = _ => (200, trouble
                ? """
                  {"chargers":[{"chargerId":"CP-1","siteId":"depot","online":false,"status":"OFFLINE","lastSeen":"2026-12-07T12:00:00Z"},{"chargerId":"CP-2","siteId":"depot","online":true,"status":"FAULTED"},
                   {"chargerId":"CP-5","siteId":"depot","online":true,"status":"CHARGING","pendingStops":[{"sessionId":"CP-5~9","requestedAt":"2026-12-07T12:00:00Z","requestedBy":"ops","channel":"ocpp","status":"Accepted"},{"sessionId":"CP-5~10","requestedAt":"2099-01-01T00:00:00Z","requestedBy":"ops","channel":"ocpp","status":"Accepted"}]}]}
                  """
                : """{"chargers":[{"chargerId":"CP-1","siteId":"depot","online":true,"status":"AVAILABLE"}]}"""),
            ["/v1/sites/depot/load"] = _ => (200, trouble
                ? """{"siteId":"depot","aboveLimit":true,"drawnW":60000,"limitInForceW":50000,"sessions":[{"sessionId":"CP-3~1","allowanceW":0},{"sessionId":"CP-4~1","allowanceW":7000,"drawW":11000,"overdrawing":true}]}"""
                : """{"siteId":"depot","sessions":[]}"""),
            ["/v1/live"] = _ => (200, """{"at":"2026-12-07T12:00:00Z","sites":[{"siteId":"depot","powerKw":60,"limitKw":50}]}"""),
            ["/v1/live:watch"] = _ => (200, ""),
            ["/health/ready"] = _ => (trouble ? 503 : 200, trouble
                ? """{"status":"Unhealthy","checks":{"storage":{"status":"Unhealthy","description":"storage does not answer"}}}"""
                : """{"status":"Healthy","checks":{}}"""),
        });
        await b.Go("#/");
        var alerts = await b.Page.InnerTextAsync("#alerts");
        Assert.Contains("CP-1 is offline", alerts);
        Assert.Contains("CP-2 is faulted", alerts);
        Assert.Contains("CP-3~1 is held at 0 W", alerts);
        Assert.Contains("CP-4~1 draws 11.0 kW, above its allowance of 7.0 kW", alerts);
        Assert.Contains("depot draws 60.0 kW, above its limit of 50.0 kW", alerts);
        Assert.Contains("storage: Unhealthy — storage does not answer", alerts);
        // A stop asked long ago and still running is listed; one asked just now is not (yet).
        Assert.Contains("Stop of CP-5~9 asked 2026-12-07 13:00 CET by ops (charger answered Accepted) is not done yet", alerts);
        Assert.DoesNotContain("CP-5~10", alerts);
        Assert.Contains("depot is above its limit", await b.Page.InnerTextAsync("#over-limit"));
        Assert.Contains("No sessions in this range yet", await b.Page.InnerTextAsync("#kpis"));
        await b.Check("component-overview-alerts");

        trouble = false;
        await b.Go("#/chargers");
        await b.Go("#/");
        Assert.Contains("Nothing needs attention", await b.Page.InnerTextAsync("#alerts"));
    }

    /// <summary>A signed-in console whose API answers are the given ones (by path; anything else is a 404).</summary>
    private async Task<ConsoleBrowser> Page(int width, Dictionary<string, Func<Microsoft.Playwright.IRequest, (int Status, string Body)>> answers)
    {
        var b = await ConsoleBrowser.Open(width);
        answers.TryAdd("/v1/sites", _ => (200, Sites));
        answers["/console/session"] = _ => (200, """{"subject":"component-test"}""");
        await b.Page.RouteAsync(url => { var path = new Uri(url).AbsolutePath; return path.StartsWith("/v1/", StringComparison.Ordinal) || path == "/console/session" || path == "/health/ready"; }, async route =>
        {
            var path = Uri.UnescapeDataString(new Uri(route.Request.Url).AbsolutePath);
            var match = answers.Keys.Where(k => path == k).FirstOrDefault();
            var (status, body) = match is null ? (404, """{"code":5,"message":"not stubbed"}""") : answers[match](route.Request);
            await route.FulfillAsync(new RouteFulfillOptions { Status = status, ContentType = "application/json", Body = body });
        });
        await b.Page.GotoAsync(host.RawHttp.BaseAddress!.ToString());
        await b.Page.WaitForFunctionAsync("() => window.chargeConsole && window.chargeConsole.ready");
        return b;
    }
}
