using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>ListSessions as an operator's and a driver's month view read it: pages, and totals over the whole filter.</summary>
public sealed class SessionListingTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-12);

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats_and_the_totals_cover_the_whole_range()
    {
        var driver = new StationDriver(host.Channel);
        var idTag = $"PAGE-{Guid.NewGuid():N}"[..16];
        var chargerId = $"CP-{Guid.NewGuid():N}"[..16];
        var started = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var at = T0.AddMinutes(i * 30);
            var session = await driver.Start(chargerId, idTag, 0, at);
            await driver.Stop(chargerId, session.SessionId, 1000 * (i + 1), at.AddMinutes(20));
            started.Add(session.SessionId);
        }

        var pages = new List<ListSessionsResponse>();
        var token = "";
        do
        {
            var page = await Sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = idTag, PageSize = 3, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);
        var forged = await Assert.ThrowsAsync<RpcException>(() => Sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = idTag, PageToken = "not-a-token" }).ResponseAsync);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Sessions.Count));
        // Newest start first, each session once.
        Assert.Equal(Enumerable.Reverse(started), pages.SelectMany(p => p.Sessions).Select(s => s.SessionId));
        // Every page carries the range's totals, not its own: 7 sessions, 1 + 2 + ... + 7 = 28 kWh.
        Assert.All(pages, p => Assert.Equal((7, 28.0, true), (p.Totals.Sessions, p.Totals.EnergyKwh, p.Totals.Complete)));
        Assert.Equal(StatusCode.InvalidArgument, forged.StatusCode);
    }

    [Fact]
    public async Task A_sites_completed_sessions_are_listed_across_its_chargers_and_the_network_lists_all()
    {
        var driver = new StationDriver(host.Channel);
        var siteId = $"list-{Guid.NewGuid():N}"[..16];
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "List", TimeZone = "UTC" });
        var onSite = new List<string>();
        foreach (var n in new[] { 1, 2, 3 })
        {
            var chargerId = $"LS{n}-{Guid.NewGuid():N}"[..16];
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
            if (n < 3)
            {
                await new ChargerService.ChargerServiceClient(host.Channel).SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = siteId });
            }

            var session = await driver.Start(chargerId, "LIST", 0, T0.AddMinutes(n));
            await driver.Stop(chargerId, session.SessionId, 2000, T0.AddMinutes(n + 30));
            await driver.Until(session.SessionId, s => s.State == SessionState.Completed);
            if (n < 3)
            {
                onSite.Add(session.SessionId);
            }
        }

        var from = Timestamp.FromDateTime(T0.AddMinutes(-1));
        var site = await Eventually.Get(() => Sessions.ListSessionsAsync(new ListSessionsRequest { SiteId = siteId, From = from }).ResponseAsync, l => l.Sessions.Count == 2);
        var network = await Sessions.ListSessionsAsync(new ListSessionsRequest { From = from });
        var tooLong = await Assert.ThrowsAsync<RpcException>(() => Sessions.ListSessionsAsync(new ListSessionsRequest { From = Timestamp.FromDateTime(T0.AddDays(-40)) }).ResponseAsync);

        Assert.Equal(Enumerable.Reverse(onSite), site.Sessions.Select(s => s.SessionId));
        Assert.Equal((2, 4.0), (site.Totals.Sessions, site.Totals.EnergyKwh));
        Assert.True(network.Sessions.Count >= 3);
        Assert.Superset(onSite.ToHashSet(), network.Sessions.Select(s => s.SessionId).ToHashSet());
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
    }
}
