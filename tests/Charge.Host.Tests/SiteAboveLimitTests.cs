using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using YamlDotNet.RepresentationModel;

namespace Charge.Host.Tests;

/// <summary>
/// A site drawing above its grid limit is visible everywhere an operator looks: GetSiteLoad, the metric the shipped
/// alert rule reads, and the operator console (red, with its limit marker in view) at a desk's width and a phone's.
/// </summary>
public sealed class SiteAboveLimitTests(MeasuredSitesHostFixture host) : IClassFixture<MeasuredSitesHostFixture>
{
    [Fact]
    public async Task A_site_above_its_limit_shows_in_the_api_the_metric_the_alert_reads_and_the_console()
    {
        var siteId = $"over-{Guid.NewGuid():N}"[..16];
        var chargerId = $"OVER-{Guid.NewGuid():N}"[..16];
        var sites = new SiteService.SiteServiceClient(host.Channel);
        await sites.PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Over", TimeZone = "UTC" });
        await sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = siteId, GridLimitKw = 5 });
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new ChargerService.ChargerServiceClient(host.Channel).SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = siteId });
        // A station without a command stream cannot be limited: its car draws its 11 kW on a 5 kW site.
        var station = new StationService.StationServiceClient(host.Channel);
        var started = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = "OVER", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-5)),
        });
        await station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId,
            Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)), EnergyWh = 700, PowerW = 11_000 } },
        });

        var load = await Eventually.Get(() => sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = siteId }).ResponseAsync, l => l.AboveLimit, TimeSpan.FromSeconds(20));
        var scrape = await Eventually.Get(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.Security.OperatorToken);
            using var response = await host.RawHttp.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }, text => text.Contains($"site=\"{siteId}\""));
        var rule = AlertRule("ChargeSiteAboveGridLimit");

        Assert.Equal((11_000.0, 5_000.0), (load.DrawnW, load.LimitInForceW));
        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("charge_site_above_limit{", StringComparison.Ordinal) && l.Contains($"site=\"{siteId}\"") && l.TrimEnd().EndsWith(" 1", StringComparison.Ordinal));
        // The shipped rule reads the metric the system exports, by site.
        Assert.Contains("charge_site_above_limit", rule);
        Assert.Contains("by (site)", rule);

        foreach (var (width, height) in new[] { (1400, 1800), (420, 900) })
        {
            var shown = await Dashboard(width, height);
            Assert.True(shown.Visible, $"{width} px: the over-limit alert is not shown");
            Assert.Contains(siteId, shown.Text);
            Assert.Equal("#d11a2a", shown.BarColor);
            // The limit marker is drawn over the bar (a lower order is drawn later, on top).
            Assert.True(shown.MarkerOrder < shown.BarOrder);
        }
    }

    private static string AlertRule(string name)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(SharedData.RepositoryRoot, "deploy", "prometheus", "charge-alerts.yaml"));
        yaml.Load(reader);
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("groups")];
        var rule = groups.Children.Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>())
            .Single(r => ((YamlScalarNode)r.Children[new YamlScalarNode("alert")]).Value == name);
        return ((YamlScalarNode)rule.Children[new YamlScalarNode("expr")]).Value!;
    }

    private async Task<(bool Visible, string Text, string BarColor, int BarOrder, int MarkerOrder)> Dashboard(int width, int height)
    {
        await using var console = await ConsoleBrowser.Open(width);
        var page = console.Page;
        await page.SetViewportSizeAsync(width, height);
        await console.SignIn(host.RawHttp.BaseAddress!, host.Security.OperatorToken);
        await page.WaitForFunctionAsync("() => window.chargeConsole && window.chargeConsole.ready && window.chargeCharts.live");
        var alert = page.Locator("#over-limit");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.Artifacts, $"over-limit-{width}.png"), FullPage = true });
        return (await alert.IsVisibleAsync(), await alert.InnerTextAsync(),
            await page.EvaluateAsync<string>("() => chargeCharts.live.data.datasets[0].backgroundColor[0]"),
            await page.EvaluateAsync<int>("() => chargeCharts.live.data.datasets[0].order"),
            await page.EvaluateAsync<int>("() => chargeCharts.live.data.datasets[1].order"));
    }
}
