using System.Net;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;

namespace Charge.Host.Tests;

/// <summary>
/// The operator console end to end, as an operator uses it, at a desk's width and a phone's: sign in, find a charger,
/// edit its site's limit and see the chargers held to it, stop a session and open its invoice; every page visited
/// keeps a screenshot and fits the width.
/// </summary>
public sealed class ConsoleTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private SiteService.SiteServiceClient Sites => new(host.Channel);

    [Theory]
    [InlineData(1400)]
    [InlineData(420)]
    public async Task An_operator_finds_a_charger_limits_its_site_stops_its_session_and_opens_the_invoice(int width)
    {
        var (siteId, site, points, tariffId) = await SiteWithTwoCharging(width);
        var (a, b) = (points[0], points[1]);
        using var metering = new CancellationTokenSource();
        var meter = Metering(points, metering.Token);

        await using var console = await ConsoleBrowser.Open(width);
        var page = console.Page;
        await console.SignIn(host.RawHttp.BaseAddress!, host.Security.OperatorToken);
        await page.WaitForFunctionAsync("() => window.chargeConsole.ready && window.chargeConsole.loads > 0");
        await console.Check("overview");

        // Find the charger: the fleet filtered by the site, then its page.
        await console.Go($"#/chargers?site={siteId}");
        await console.Check("chargers");
        var rows = await page.Locator("#chargers tbody tr").CountAsync();
        Assert.Equal(2, rows);
        await page.ClickAsync($"#chargers a:text-is('{a.Id}')");
        await page.WaitForFunctionAsync($"() => location.hash === '#/chargers/{a.Id}' && window.chargeConsole.ready");
        await page.WaitForSelectorAsync("#connector-table");
        await console.Check("charger");
        var sessionId = await page.Locator("#connector-table a").First.InnerTextAsync();

        // Edit the site's limit: a limit below one session's minimum is refused at its field, then 11 kW is saved.
        await console.Go($"#/sites/{siteId}");
        await page.FillAsync("#limits-form [name=grid_limit_kw]", "1");
        await page.ClickAsync("#limits-form button[type=submit]");
        await page.WaitForSelectorAsync("#limits-form [name=grid_limit_kw][aria-invalid=true]");
        Assert.Contains("grid_limit_kw must be between", await page.InnerTextAsync("#limits-form .field-error"));
        console.Errors.Clear();
        await page.FillAsync("#limits-form [name=grid_limit_kw]", "11");
        await page.ClickAsync("#limits-form button[type=submit]");
        await page.WaitForSelectorAsync("#message.info:has-text('Limits saved')");
        Assert.Equal(0, await page.Locator("#limits-form [aria-invalid=true]").CountAsync());
        // Enforced: the chargers are sent profiles that keep the two cars together within 11 kW.
        await Eventually.Until(() => a.LimitW + b.LimitW <= 11_000 && site.TotalW <= 11_000, TimeSpan.FromSeconds(30));
        Assert.Equal(11.0, (await Sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId })).GridLimitKw);
        await page.WaitForFunctionAsync("() => window.chargeSite.balance && window.chargeSite.balance.sessions && window.chargeSite.balance.sessions.length === 2");
        var allowed = await page.EvaluateAsync<double>("() => window.chargeSite.balance.sessions.reduce((s, x) => s + (x.allowanceW || 0), 0)");
        Assert.InRange(allowed, 1, 11_000);
        await console.Check("site");

        // Stop the session from its page: the confirmation shows the charger's answer, the page follows it live to
        // the end, and its invoice opens.
        await console.Go($"#/sessions/{sessionId}");
        await page.WaitForSelectorAsync("#session-state:text-is('active')");
        await console.Check("session");
        await page.ClickAsync("#request-stop");
        await page.ClickAsync("dialog.confirm button.danger");
        await page.WaitForSelectorAsync("dialog.confirm .answer.ok");
        Assert.Contains("Accepted", await page.InnerTextAsync("dialog.confirm .answer"));
        await page.ClickAsync("dialog.confirm button:text-is('Close')");
        await page.WaitForSelectorAsync("#session-state:text-is('completed')", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.WaitForSelectorAsync("#session-invoice", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var number = await page.InnerTextAsync("#session-invoice");
        var invoicePage = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#session-invoice"));
        await invoicePage.WaitForSelectorAsync("#number");
        Assert.Equal(number, await invoicePage.InnerTextAsync("#number"));
        await invoicePage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.Artifacts, $"invoice-{width}.png"), FullPage = true });
        Assert.True(await invoicePage.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width);
        var api = await Json($"/v1/sessions/{sessionId}");
        Assert.Equal(number, api["invoiceNumber"]!.GetValue<string>());
        Assert.Equal("SESSION_STATE_COMPLETED", api["state"]!.GetValue<string>());

        // The invoice is in the month's list, with its total as the API has it.
        await console.Go($"#/billing?month={DateTime.UtcNow:yyyy-MM}&by=tag&id={api["idTag"]}");
        var listed = await page.Locator($"#invoices tr:has-text('{number}')").InnerTextAsync();
        Assert.Contains(api["cost"]!["total"]!["inclVat"]!.GetValue<string>(), listed);
        await console.Check("billing");

        // Every other page renders at this width, with its screenshot kept.
        foreach (var (route, name) in new[]
        {
            ($"#/sessions?charger={a.Id}", "sessions"), ("#/sites", "sites"), ("#/tariffs", "tariffs"), ($"#/tariffs/{tariffId}", "tariff"),
            ("#/tokens", "tokens"), ("#/customers", "customers"), ($"#/reports?site={siteId}", "reports"),
        })
        {
            await console.Go(route);
            await console.Check(name);
        }

        await metering.CancelAsync();
        await meter;
        foreach (var p in points)
        {
            await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_overview_and_reports_show_the_numbers_the_api_returns()
    {
        var (siteId, _, points, _) = await SiteWithTwoCharging(1400);
        foreach (var p in points)
        {
            await p.MeterValues();
        }

        var from = DateTime.UtcNow.AddDays(-29).ToString("yyyy-MM-dd");
        var to = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await using var console = await ConsoleBrowser.Open(1400);
        var page = console.Page;
        await console.SignIn(host.RawHttp.BaseAddress!, host.Security.OperatorToken);
        await page.WaitForFunctionAsync("() => window.chargeConsole.ready && window.chargeConsole.loads > 0");
        await console.Go($"#/?site={siteId}&from={from}&to={to}");
        await page.WaitForFunctionAsync("() => window.chargeOverview.live && window.chargeCharts.live");
        var report = await Json($"/v1/reports/usage?scope=site&id={siteId}&from={from}&to={to}");
        Assert.Equal(report["sessions"]?.GetValue<int>().ToString() ?? "0", await page.InnerTextAsync("#kpi-sessions"));
        var running = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#running-table tbody tr td:first-child')].map(c => c.textContent)");
        var live = await Json($"/v1/chargers?siteId={siteId}");
        var active = live["chargers"]!.AsArray().SelectMany(c => c!["connectors"]?.AsArray() ?? []).Select(x => x!["activeSessionId"]?.GetValue<string>()).OfType<string>().Order();
        Assert.Equal(active, running.Order());
        await console.Check("overview-site");

        await console.Go($"#/reports?site={siteId}&from={from}&to={to}");
        await page.WaitForFunctionAsync("() => window.chargeReports.plan");
        var trend = await page.EvaluateAsync<double[]>("() => chargeCharts.trend.data.datasets[0].data.map(Number)");
        Assert.Equal(report["daily"]!.AsArray().Select(p => p!["energyKwh"]?.GetValue<double>() ?? 0), trend);
        var plan = await Json($"/v1/sites/{siteId}/capacity-plan?from={from}&to={to}");
        var advice = await page.InnerTextAsync("#advice");
        Assert.Contains(plan["advice"]![0]!["reason"]!.GetValue<string>(), advice);
        await console.Check("reports-site");
        foreach (var p in points)
        {
            await p.DisposeAsync();
        }
    }

    /// <summary>
    /// A site (Europe/Amsterdam, 50 kW) with a tariff and two 22 kW OCPP chargers, each charging a car for a token
    /// (the chargers stop when asked, as real ones do).
    /// </summary>
    private async Task<(string SiteId, SimulatedSite Site, List<Charging> Points, string TariffId)> SiteWithTwoCharging(int width)
    {
        var siteId = TestIds.New($"console{width}");
        await Sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = $"Console Plaza {width}", TimeZone = "Europe/Amsterdam", City = "Utrecht" });
        await Sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50 });
        var tariffId = TestIds.New("T");
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.30m)));
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            SiteId = siteId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)),
        });
        var idTag = TestIds.New("RFID");
        await new TokenService.TokenServiceClient(host.Channel).PutTokenAsync(new PutTokenRequest { IdTag = idTag, Status = "ACCEPTED" });
        var site = new SimulatedSite();
        var points = new List<Charging>();
        for (var i = 0; i < 2; i++)
        {
            var chargerId = TestIds.New("CON");
            var registered = await new ChargerService.ChargerServiceClient(host.Channel).RegisterChargerAsync(new RegisterChargerRequest
            {
                ChargerId = chargerId, SiteId = siteId, ConnectorCount = 1, MaxPowerW = 22_000, ConnectorPowerType = "AC_3_PHASE",
            });
            var point = await SimulatedChargePoint.ConnectAsync(host.OcppUri(chargerId), TestSecurity.Basic(chargerId, registered.Secret), site, 22_000, 22_000);
            point.StopsWhenAsked = true;
            await point.Boot();
            await point.Call("StatusNotification", new JsonObject { ["connectorId"] = 1, ["errorCode"] = "NoError", ["status"] = "Charging" });
            await point.StartTransaction(idTag);
            await point.MeterValues();
            points.Add(new Charging(chargerId, point));
        }

        return (siteId, site, points, tariffId);
    }

    /// <summary>Each car reports its register and power every second until stopped.</summary>
    private static Task Metering(IReadOnlyList<Charging> points, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var p in points)
            {
                await p.Point.MeterValues();
            }

            await Task.Delay(1000, CancellationToken.None);
        }
    });

    private async Task<JsonNode> Json(string path)
    {
        using var response = await host.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A simulated charge point and the ID it is registered under.</summary>
    private sealed record Charging(string Id, SimulatedChargePoint Point) : IAsyncDisposable
    {
        public double LimitW => Point.LimitW ?? double.PositiveInfinity;

        public Task MeterValues() => Point.MeterValues();

        public ValueTask DisposeAsync() => Point.DisposeAsync();
    }
}
