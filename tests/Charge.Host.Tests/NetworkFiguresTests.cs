using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Host.Tests;

/// <summary>
/// The network's figures on a host of their own (so every charger in it is this test's): chargers on no site, the
/// state the README's first steps leave an operator in, count like any other.
/// </summary>
public sealed class NetworkFiguresTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-20);

    [Fact]
    public async Task Network_figures_count_the_chargers_on_no_site_live_and_in_utilisation()
    {
        var chargers = new ChargerService.ChargerServiceClient(host.Channel);
        var station = new StationService.StationServiceClient(host.Channel);
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = "depot", Name = "Depot", TimeZone = "UTC" });
        await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = "LOOSE-1", ConnectorCount = 2 });
        await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = "SITED-1", ConnectorCount = 1, SiteId = "depot" });
        foreach (var chargerId in new[] { "LOOSE-1", "SITED-1" })
        {
            var started = await station.StartSessionAsync(new StartSessionRequest
            {
                ChargerId = chargerId, ConnectorId = 1, IdTag = "NET", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(T0),
            });
            await station.ReportMeterValuesAsync(new ReportMeterValuesRequest
            {
                ChargerId = chargerId, SessionId = started.SessionId,
                Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(T0.AddMinutes(5)), EnergyWh = 1_000, PowerW = 11_000 } },
            });
        }

        var reports = new ReportService.ReportServiceClient(host.Channel);
        var live = await Eventually.Get(() => reports.GetLiveLoadAsync(new LiveLoadRequest()).ResponseAsync, l => l.PowerKw >= 22);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var report = await reports.GetUsageReportAsync(new UsageReportRequest { Scope = "network", From = today, To = today });

        Assert.Equal(2, live.ActiveSessions);
        Assert.Equal(["depot", ""], live.Sites.Select(s => s.SiteId));
        Assert.Equal(["LOOSE-1"], live.Sites[1].Chargers.Select(c => c.ChargerId));
        Assert.Equal((1, 11.0), (live.Sites[1].ActiveSessions, live.Sites[1].PowerKw));
        // Utilisation divides by every connector that could have served the network's sessions, on a site or not.
        var declared = 0;
        foreach (var chargerId in new[] { "LOOSE-1", "SITED-1" })
        {
            declared += (await chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId })).ConnectorCount;
        }

        Assert.Equal(declared, report.Connectors);
        // The list of sites is the operator's sites, not the list of chargers on none.
        Assert.Equal(["depot"], (await new SiteService.SiteServiceClient(host.Channel).ListSitesAsync(new ListSitesRequest())).Sites.Select(s => s.SiteId));
    }
}
