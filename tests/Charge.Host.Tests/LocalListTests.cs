using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;

namespace Charge.Host.Tests;

/// <summary>Chargers' local authorization lists when the operator sends them the tags that may charge.</summary>
public sealed class LocalListTests(LocalListHostFixture host) : IClassFixture<LocalListHostFixture>
{
    private async Task<string> Put(string status = "ACCEPTED", string? idTag = null) =>
        (await new TokenService.TokenServiceClient(host.Channel).PutTokenAsync(new PutTokenRequest { IdTag = idTag ?? TestIds.New("TAG"), Status = status })).IdTag;

    [Fact]
    public async Task A_chargers_local_list_holds_only_the_tags_that_may_charge_and_a_tag_that_may_no_longer_leaves_it()
    {
        var accepted = await Put();
        var blocked = await Put("BLOCKED");
        var expired = await Put("EXPIRED");
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);
        var (asked, full) = await cp.BootWithLocalList();
        var accepts = await Eventually.Get(() => new ChargerService.ChargerServiceClient(host.Channel).GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }).ResponseAsync,
            c => c.LocalListVersion > 0);
        await Put("BLOCKED", idTag: accepted);
        await cp.Call("Heartbeat", new JsonObject());
        var differential = await cp.NextLocalListCall();

        Assert.Equal(("GetLocalListVersion", "SendLocalList", "Full"), (asked.Action, full.Action, full.Payload["updateType"]!.GetValue<string>()));
        var entries = full.Payload["localAuthorizationList"]!.AsArray().ToDictionary(e => e!["idTag"]!.GetValue<string>(), e => e!["idTagInfo"]!["status"]!.GetValue<string>());
        Assert.Equal("Accepted", entries[accepted]);
        Assert.DoesNotContain(blocked, entries.Keys);
        Assert.DoesNotContain(expired, entries.Keys);
        Assert.All(entries.Values, status => Assert.Equal("Accepted", status));
        Assert.Equal(full.Payload["listVersion"]!.GetValue<long>(), accepts.LocalListVersion);
        Assert.Equal("Differential", differential.Payload["updateType"]!.GetValue<string>());
        // The blocked card leaves the list: an entry without idTagInfo removes it.
        var changed = Assert.Single(differential.Payload["localAuthorizationList"]!.AsArray());
        Assert.Equal(accepted, changed!["idTag"]!.GetValue<string>());
        Assert.Null(changed["idTagInfo"]);
        Assert.True(differential.Payload["listVersion"]!.GetValue<int>() > full.Payload["listVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_201_stations_local_list_is_kept_the_same_way_in_its_form()
    {
        var accepted = await Put();
        var blocked = await Put("BLOCKED");
        var chargerId = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(chargerId);
        station.LocalList = (action, _) => action == "GetLocalListVersion" ? new JsonObject { ["versionNumber"] = 0 } : new JsonObject { ["status"] = "Accepted" };
        await station.CallResult("BootNotification", new JsonObject { ["reason"] = "PowerUp", ["chargingStation"] = new JsonObject { ["vendorName"] = "Acme", ["model"] = "DC" } });
        var asked = await station.NextLocalListCall();
        var full = await station.NextLocalListCall();
        var accepts = await Eventually.Get(() => new ChargerService.ChargerServiceClient(host.Channel).GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }).ResponseAsync,
            c => c.LocalListVersion > 0);
        await Put("BLOCKED", idTag: accepted);
        await station.CallResult("Heartbeat", []);
        var differential = await station.NextLocalListCall();

        // Every call passed the 2.0.1 schemas (strict client); the list is 2.0.1's: versionNumber, idToken with its type.
        Assert.Equal(("GetLocalListVersion", "SendLocalList", "Full"), (asked.Action, full.Action, full.Payload["updateType"]!.GetValue<string>()));
        var entries = full.Payload["localAuthorizationList"]!.AsArray().ToDictionary(e => e!["idToken"]!["idToken"]!.GetValue<string>(), e => e!["idTokenInfo"]!["status"]!.GetValue<string>());
        Assert.Equal("Accepted", entries[accepted]);
        Assert.DoesNotContain(blocked, entries.Keys);
        Assert.Equal(full.Payload["versionNumber"]!.GetValue<long>(), accepts.LocalListVersion);
        var changed = Assert.Single(differential.Payload["localAuthorizationList"]!.AsArray());
        Assert.Equal((accepted, "ISO14443"), (changed!["idToken"]!["idToken"]!.GetValue<string>(), changed["idToken"]!["type"]!.GetValue<string>()));
        Assert.Null(changed["idTokenInfo"]);
    }
}
