using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Charge.Tests;
using Microsoft.Playwright;

namespace Charge.Host.Tests;

/// <summary>
/// The operator dashboard in a real browser (Debian's chromium driven by Playwright): its charts show what the API
/// returns. The screenshot is kept in the test output's artifacts folder.
/// </summary>
public sealed class DashboardTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private StationService.StationServiceClient Station => new(host.Channel);

    [Fact]
    public async Task The_dashboard_charts_show_the_numbers_the_api_returns()
    {
        var (siteId, sessionId, from, to) = await Seed();
        var token = host.Security.OperatorToken;
        var reportJson = await Get($"/v1/reports/usage?scope=site&id={siteId}&from={from}&to={to}");
        var liveJson = await Get($"/v1/live?siteId={siteId}");
        // Its invoice is issued by the settlement that follows the stop, on a timer: read once it is there.
        var sessionJson = await Charge.Tests.Eventually.Get(() => Get($"/v1/sessions/{sessionId}"), j => j["invoiceNumber"] is not null);
        var chargersJson = await Get($"/v1/chargers?siteId={siteId}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1800 } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{message.Text} {message.Location}");
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync($"{host.RawHttp.BaseAddress}#token={token}&from={from}&to={to}&site={siteId}&session={sessionId}");
        await page.WaitForFunctionAsync("() => window.dashboard && window.dashboard.ready", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        var trend = await Data(page, "trend");
        var histogram = await Data(page, "histogram");
        var heat = await page.EvaluateAsync<JsonElement>("() => dashboard.charts.heatmap.data.datasets[0].data");
        var liveLabels = await page.EvaluateAsync<string[]>("() => dashboard.charts.live.data.labels");
        var livePower = await Data(page, "live");
        var liveLimit = await page.EvaluateAsync<double[]>("() => dashboard.charts.live.data.datasets[1].data.map(Number)");
        var sessionBars = await Data(page, "session");
        var sessions = await page.InnerTextAsync("#kpi-sessions");
        var revenueKpi = await page.InnerTextAsync("#kpi-revenue");
        var perKwhScope = await page.InnerTextAsync("#kpi-revenue-kwh-scope");
        var revenueTrend = await Data(page, "revenue");
        var chargerRows = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('#chargers tbody tr')].map(r => [...r.cells].map(c => c.textContent))");
        var sessionRows = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('#sessions tbody tr')].map(r => [...r.cells].map(c => c.textContent))");
        var completedRows = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('#completed tbody tr')].map(r => [...r.cells].map(c => c.textContent))");
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard.png"), FullPage = true });

        Assert.Empty(errors);
        Assert.Equal(reportJson["daily"]!.AsArray().Select(p => p!["energyKwh"]?.GetValue<double>() ?? 0), trend);
        Assert.Equal(reportJson["energyPerSession"]!.AsArray().Select(b => (double)(b!["sessions"]?.GetValue<int>() ?? 0)), histogram);
        Assert.Equal(3.0, histogram.Sum());
        var expectedCells = reportJson["energyKwhByWeekdayHour"]!.AsArray()
            .SelectMany((row, w) => row!["values"]!.AsArray().Select((v, h) => (w, h, v: v!.GetValue<double>())))
            .Where(c => c.v > 0).Select(c => $"{c.w}:{c.h}:{c.v}").Order();
        var shownCells = heat.EnumerateArray()
            .Where(c => c.GetProperty("v").GetDouble() > 0)
            .Select(c => $"{Array.IndexOf(System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.DayNames, c.GetProperty("y").GetString())}:{c.GetProperty("x").GetString()}:{c.GetProperty("v").GetDouble()}").Order();
        Assert.Equal(expectedCells, shownCells);
        Assert.Equal(3, expectedCells.Count());
        Assert.Equal([siteId], liveLabels);
        Assert.Equal(liveJson["sites"]![0]!["powerKw"]!.GetValue<double>(), Assert.Single(livePower));
        Assert.Equal(11.0, livePower[0], 6);
        Assert.Equal([50.0], liveLimit);
        Assert.Equal(50.0, liveJson["sites"]![0]!["limitKw"]!.GetValue<double>());
        Assert.Equal(sessionJson["energyWh"]!.GetValue<double>() / 1000, sessionBars.Sum(), 6);
        Assert.Equal("3", sessions);
        // 8 + 16 + 24 kWh x 0.25 x 1.2 = 2.40 + 4.80 + 7.20 incl. VAT.
        Assert.Equal("14.4", reportJson["revenue"]![0]!["amount"]!["inclVat"]!.GetValue<string>());
        Assert.Equal("EUR 14.40", revenueKpi);
        // Revenue per kWh says which sessions it divides by.
        Assert.Equal("over 3 priced sessions, 48.0 kWh", perKwhScope);
        var byDay = reportJson["dailyRevenue"]!.AsArray().ToDictionary(p => p!["start"]!.GetValue<string>(), p => double.Parse(p!["amount"]!["inclVat"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(reportJson["daily"]!.AsArray().Select(p => byDay.GetValueOrDefault(p!["start"]!.GetValue<string>())), revenueTrend);
        Assert.Equal(14.4, revenueTrend.Sum(), 6);
        var apiChargers = chargersJson["chargers"]!.AsArray();
        Assert.Equal(apiChargers.Select(c => c!["chargerId"]!.GetValue<string>()), chargerRows.Select(r => r[0]));
        Assert.Equal(apiChargers.Select(c => c!["status"]!.GetValue<string>()), chargerRows.Select(r => r[1]));
        Assert.Equal(apiChargers.Select(c => c!["online"]?.GetValue<bool>() == true ? "yes" : "no"), chargerRows.Select(r => r[2]));
        var running = Assert.Single(chargerRows, r => r[1] == "CHARGING");
        Assert.Equal("11.0", running[3]);
        Assert.Equal("yes", running[2]);
        var inProgress = Assert.Single(sessionRows);
        Assert.Equal(liveJson["sites"]![0]!["powerKw"]!.GetValue<double>().ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), inProgress[3]);
        Assert.Equal("1.650", inProgress[2]);
        // The three seeded sessions, the newest stop first.
        Assert.Equal(3, completedRows.Length);
        Assert.Equal(sessionId, completedRows[0][0]);
        Assert.Equal(("24.000", "EUR 7.20", sessionJson["invoiceNumber"]!.GetValue<string>()), (completedRows[0][3], completedRows[0][4], completedRows[0][5]));
        Assert.Equal(["24.000", "16.000", "8.000"], completedRows.Select(r => r[3]));
        Assert.True(new FileInfo(Path.Combine(folder, "dashboard.png")).Length > 10_000);

        // The invoice number opens the invoice as a page of its own, with the operator's document cookie.
        var invoicePage = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#completed tbody tr:first-child a"));
        await invoicePage.WaitForSelectorAsync("#number");
        Assert.Equal(sessionJson["invoiceNumber"]!.GetValue<string>(), await invoicePage.InnerTextAsync("#number"));
        Assert.Equal("7.20", await invoicePage.InnerTextAsync("#total"));
        // On a phone the page fits its width (wide tables scroll inside their box).
        await invoicePage.SetViewportSizeAsync(420, 900);
        Assert.True(await invoicePage.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 420, "the invoice page is wider than a 420 px phone");
        await invoicePage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "invoice-phone.png"), FullPage = true });
    }

    private static async Task<double[]> Data(IPage page, string chart) =>
        await page.EvaluateAsync<double[]>($"() => dashboard.charts['{chart}'].data.datasets[0].data.map(Number)");

    private async Task<JsonNode> Get(string path)
    {
        using var response = await host.Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A site with three completed sessions on three days this week and one running at 11 kW.</summary>
    private async Task<(string SiteId, string SessionId, string From, string To)> Seed()
    {
        var siteId = $"SITE-{Guid.NewGuid():N}"[..14];
        var chargerId = $"CP-{Guid.NewGuid():N}"[..12];
        var liveCharger = $"CP-{Guid.NewGuid():N}"[..12];
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Dashboard Plaza", TimeZone = "Europe/Amsterdam" });
        await new SiteService.SiteServiceClient(host.Channel).SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 50 });
        foreach (var id in new[] { chargerId, liveCharger })
        {
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), id);
            await new ChargerService.ChargerServiceClient(host.Channel).SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = id, SiteId = siteId });
        }

        var today = DateTime.UtcNow.Date;
        var tariffId = $"T-{Guid.NewGuid():N}"[..12];
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.25m)));

        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            SiteId = siteId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(today.AddDays(-30)),
        });
        string? last = null;
        foreach (var (daysAgo, kwh) in new[] { (3, 8.0), (2, 16.0), (1, 24.0) })
        {
            var start = today.AddDays(-daysAgo).AddHours(9);
            var session = await Station.StartSessionAsync(new StartSessionRequest { ChargerId = chargerId, ConnectorId = 1, IdTag = "RFID-DASH", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(start) });
            await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
            {
                ChargerId = chargerId, SessionId = session.SessionId,
                Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(start.AddMinutes(30)), EnergyWh = kwh * 500, PowerW = kwh * 1000 } },
            });
            await Station.StopSessionAsync(new StopSessionRequest { ChargerId = chargerId, SessionId = session.SessionId, MeterStopWh = kwh * 1000, Timestamp = Timestamp.FromDateTime(start.AddMinutes(60)), Reason = "Local" });
            last = session.SessionId;
        }

        var running = await Station.StartSessionAsync(new StartSessionRequest { ChargerId = liveCharger, ConnectorId = 1, IdTag = "RFID-NOW", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-10)) });
        await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = liveCharger, SessionId = running.SessionId,
            Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)), EnergyWh = 1650, PowerW = 11000 } },
        });

        // The usage grains are fed as the sessions complete: wait until the report has all three.
        var from = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(today.AddDays(-6), Amsterdam)).ToString("yyyy-MM-dd");
        var to = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Amsterdam)).ToString("yyyy-MM-dd");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Get($"/v1/reports/usage?scope=site&id={siteId}&from={from}&to={to}"))["sessions"]?.GetValue<int>() != 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return (siteId, last!, from, to);
    }
}
