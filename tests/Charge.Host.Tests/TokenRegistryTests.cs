using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>
/// The token registry against the host as shipped (unknown tags rejected): what OCPP charge points are told for
/// each tag, what a refused start leaves behind, group and concurrency rules, and the operator API's errors.
/// </summary>
public sealed class TokenRegistryTests(RegistryHostFixture host) : IClassFixture<RegistryHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private TokenService.TokenServiceClient Tokens => new(host.Channel);

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private async Task<string> Put(string status = "ACCEPTED", DateTime? expiresAt = null, string parent = "", int? max = null, string? idTag = null)
    {
        var request = new PutTokenRequest { IdTag = idTag ?? TestIds.New("TAG"), Status = status, ParentIdTag = parent };
        if (expiresAt is { } expiry)
        {
            request.ExpiresAt = Timestamp.FromDateTime(expiry);
        }

        if (max is { } m)
        {
            request.MaxConcurrentSessions = m;
        }

        return (await Tokens.PutTokenAsync(request)).IdTag;
    }

    private static async Task<JsonObject> IdTagInfo(OcppClient cp, string idTag)
    {
        var reply = await cp.Call("Authorize", new JsonObject { ["idTag"] = idTag });
        Assert.Equal(3, reply[0]!.GetValue<int>());
        return reply[2]!["idTagInfo"]!.AsObject();
    }

    private static async Task<(int TransactionId, string Status)> StartTransaction(OcppClient cp, string idTag, int meterStart = 0, double minutes = 0)
    {
        var reply = await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = idTag, ["meterStart"] = meterStart, ["timestamp"] = At(minutes) });
        Assert.Equal(3, reply[0]!.GetValue<int>());
        return (reply[2]!["transactionId"]!.GetValue<int>(), reply[2]!["idTagInfo"]!["status"]!.GetValue<string>());
    }

    private static async Task<JsonNode?> StopTransaction(OcppClient cp, int transactionId, int meterStop, double minutes, string idTag)
    {
        var reply = await cp.Call("StopTransaction", new JsonObject
        {
            ["transactionId"] = transactionId, ["meterStop"] = meterStop, ["timestamp"] = At(minutes), ["idTag"] = idTag, ["reason"] = "Local",
        });
        Assert.Equal(3, reply[0]!.GetValue<int>());
        return reply[2]!["idTagInfo"];
    }

    private static Task<JsonArray> MeterValue(OcppClient cp, int transactionId, int wh, double minutes) =>
        cp.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = transactionId,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(minutes), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = $"{wh}" }) }),
        });

    [Fact]
    public async Task Authorize_answers_each_tag_with_the_registrys_status_and_expiry()
    {
        var expiresAt = DateTime.UtcNow.AddDays(30);
        var accepted = await Put(expiresAt: new DateTime(expiresAt.Year, expiresAt.Month, expiresAt.Day, 0, 0, 0, DateTimeKind.Utc));
        var blocked = await Put("BLOCKED");
        var expired = await Put("EXPIRED");
        var invalid = await Put("INVALID");
        var pastExpiry = await Put(expiresAt: DateTime.UtcNow.AddDays(-1));
        await using var cp = await host.ConnectOcpp(TestIds.New("CP"));

        var acceptedInfo = await IdTagInfo(cp, accepted);
        Assert.Equal("Accepted", acceptedInfo["status"]!.GetValue<string>());
        Assert.Equal(expiresAt.ToString("yyyy-MM-ddT00:00:00"), acceptedInfo["expiryDate"]!.GetValue<string>()[..19]);
        Assert.Equal("Blocked", (await IdTagInfo(cp, blocked))["status"]!.GetValue<string>());
        Assert.Equal("Expired", (await IdTagInfo(cp, expired))["status"]!.GetValue<string>());
        Assert.Equal("Invalid", (await IdTagInfo(cp, invalid))["status"]!.GetValue<string>());
        Assert.Equal("Expired", (await IdTagInfo(cp, pastExpiry))["status"]!.GetValue<string>());
        Assert.Equal("Invalid", (await IdTagInfo(cp, TestIds.New("UNKNOWN")))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_member_of_a_blocked_group_is_blocked_and_told_its_parent_until_the_group_is_accepted_again()
    {
        var group = await Put("BLOCKED");
        var member = await Put(parent: group);
        await using var cp = await host.ConnectOcpp(TestIds.New("CP"));

        var whileBlocked = await IdTagInfo(cp, member);
        var check = await Tokens.CheckTokenAsync(new GetTokenRequest { IdTag = member });
        await Put(idTag: group);
        var afterwards = await IdTagInfo(cp, member);

        Assert.Equal("Blocked", whileBlocked["status"]!.GetValue<string>());
        Assert.Equal(group, whileBlocked["parentIdTag"]!.GetValue<string>());
        Assert.Contains($"group '{group}'", check.Reason);
        Assert.Equal("Accepted", afterwards["status"]!.GetValue<string>());
        Assert.Equal(group, afterwards["parentIdTag"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_start_over_ocpp_records_nothing_but_the_attempt()
    {
        var blocked = await Put("BLOCKED");
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);

        var (tx, status) = await StartTransaction(cp, blocked, meterStart: 1000);
        var meter = await MeterValue(cp, tx, 1500, 5);
        var stopInfo = await StopTransaction(cp, tx, 2000, 10, blocked);

        Assert.Equal("Blocked", status);
        Assert.True(tx > 0);
        Assert.Equal(3, meter[0]!.GetValue<int>());
        Assert.Equal("Blocked", stopInfo!["status"]!.GetValue<string>());
        var missing = await Assert.ThrowsAsync<RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{chargerId}~{tx}" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Empty((await Sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = chargerId })).Sessions);
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });
        var refused = Assert.Single(charger.RefusedStarts);
        Assert.Equal(1, charger.RefusedStartCount);
        Assert.Equal((blocked, "Blocked", tx, 1), (refused.IdTag, refused.Status, refused.TransactionId, refused.ConnectorId));
        Assert.Contains("is blocked", refused.Reason);
        Assert.Equal(0, charger.AnomalyCount);
        Assert.All(charger.Connectors, c => Assert.Equal("", c.ActiveSessionId));
    }

    [Fact]
    public async Task A_repeated_refused_start_gets_the_same_transaction_and_refusal()
    {
        var blocked = await Put("BLOCKED");
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);

        var first = await StartTransaction(cp, blocked);
        var again = await StartTransaction(cp, blocked);

        Assert.Equal(first, again);
        Assert.Equal(1, (await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId })).RefusedStartCount);
    }

    [Fact]
    public async Task The_concurrent_session_limit_holds_across_chargers_and_frees_when_the_session_stops()
    {
        var tag = await Put(max: 1);
        await using var first = await host.ConnectOcpp(TestIds.New("CP"));
        await using var second = await host.ConnectOcpp(TestIds.New("CP"));

        var (tx, started) = await StartTransaction(first, tag);
        var held = await Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag });
        var authorizeElsewhere = await IdTagInfo(second, tag);
        var (_, refused) = await StartTransaction(second, tag);
        await StopTransaction(first, tx, 5000, 20, tag);
        var released = await Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag });
        var (_, afterStop) = await StartTransaction(second, tag, minutes: 21);

        Assert.Equal("Accepted", started);
        Assert.Equal(1, held.ActiveSessions);
        Assert.Equal("ConcurrentTx", authorizeElsewhere["status"]!.GetValue<string>());
        Assert.Equal("ConcurrentTx", refused);
        Assert.Equal(0, released.ActiveSessions);
        Assert.Equal("Accepted", afterStop);
    }

    [Fact]
    public async Task Simultaneous_starts_of_a_tag_limited_to_one_session_start_exactly_one_over_grpc_rest_and_ocpp()
    {
        var tag = await Put(max: 1);
        var station = new StationService.StationServiceClient(host.Channel);
        var grpcChargers = Enumerable.Range(0, 4).Select(_ => TestIds.New("CP")).ToArray();
        var restChargers = Enumerable.Range(0, 3).Select(_ => TestIds.New("CP")).ToArray();
        var ocpp = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.ConnectOcpp(TestIds.New("CP"))));
        // Credentials first, so the starts themselves go out together.
        foreach (var chargerId in grpcChargers.Concat(restChargers))
        {
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        }

        async Task<bool> OverGrpc(string chargerId)
        {
            try
            {
                await station.StartSessionAsync(new StartSessionRequest
                {
                    ChargerId = chargerId, ConnectorId = 1, IdTag = tag, MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(T0),
                });
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                return false;
            }
        }

        async Task<bool> OverRest(string chargerId)
        {
            using var response = await host.Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/sessions",
                new { connectorId = 1, idTag = tag, meterStartWh = 0, timestamp = T0.ToString("O") });
            return response.StatusCode == HttpStatusCode.OK
                || (response.StatusCode == HttpStatusCode.Forbidden ? false : throw new InvalidOperationException($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}"));
        }

        var accepted = await Task.WhenAll(grpcChargers.Select(OverGrpc)
            .Concat(restChargers.Select(OverRest))
            .Concat(ocpp.Select(async cp => (await StartTransaction(cp, tag)).Status == "Accepted")));
        var token = await Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag });
        foreach (var cp in ocpp)
        {
            await cp.DisposeAsync();
        }

        Assert.Equal(1, accepted.Count(a => a));
        Assert.Equal(1, token.ActiveSessions);
    }

    [Fact]
    public async Task A_group_cycle_is_refused_when_a_token_is_put_and_a_chain_deeper_than_four_tags_too()
    {
        var a = await Put();
        var b = await Put(parent: a);
        var c = await Put(parent: b);
        var d = await Put(parent: c);

        var cycle = await Assert.ThrowsAsync<RpcException>(() => Put(parent: b, idTag: a));
        var self = await Assert.ThrowsAsync<RpcException>(() => Put(parent: a, idTag: a));
        var deep = await Assert.ThrowsAsync<RpcException>(() => Put(parent: d));
        // Nothing of the refused puts was kept: a still has no parent, and a member of b still starts.
        var stillRoot = await Tokens.GetTokenAsync(new GetTokenRequest { IdTag = a });
        await using var cp = await host.ConnectOcpp(TestIds.New("CP"));
        var info = await IdTagInfo(cp, c);

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.InvalidArgument), (cycle.StatusCode, self.StatusCode, deep.StatusCode));
        Assert.Contains($"would make a cycle of groups: {a} -> {b} -> {a}", cycle.Status.Detail);
        Assert.Contains("deeper than 4 tags", deep.Status.Detail);
        Assert.Equal("", stillRoot.ParentIdTag);
        Assert.Equal(("Accepted", b), (info["status"]!.GetValue<string>(), info["parentIdTag"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_tag_blocked_during_a_session_lets_it_finish_with_every_reading_and_refuses_the_next_start()
    {
        var tag = await Put();
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);

        var (tx, started) = await StartTransaction(cp, tag, meterStart: 1000);
        await MeterValue(cp, tx, 1400, 5);
        await Put("BLOCKED", idTag: tag);
        await MeterValue(cp, tx, 1800, 10);
        var stopInfo = await StopTransaction(cp, tx, 2100, 15, tag);
        var session = await Eventually.Get(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{chargerId}~{tx}" }).ResponseAsync,
            s => s.State == SessionState.Completed);
        var (_, next) = await StartTransaction(cp, tag, meterStart: 2100, minutes: 16);

        Assert.Equal("Accepted", started);
        Assert.Equal("Blocked", stopInfo!["status"]!.GetValue<string>());
        Assert.Equal(SessionState.Completed, session.State);
        Assert.Equal(2, session.ReadingCount);
        Assert.Equal(1100, session.EnergyWh);
        Assert.Equal("Blocked", next);
    }

    [Fact]
    public async Task A_grpc_or_rest_start_with_an_unknown_or_blocked_tag_is_permission_denied_with_the_reason()
    {
        var chargerId = TestIds.New("CP");
        var blocked = await Put("BLOCKED");
        var unknown = TestIds.New("UNKNOWN");
        var station = new StationService.StationServiceClient(host.Channel);

        var unknownError = await Assert.ThrowsAsync<RpcException>(() => station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = unknown, MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(T0),
        }).ResponseAsync);
        using var rest = await host.Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/sessions",
            new { connectorId = 1, idTag = blocked, meterStartWh = 0, timestamp = At(0) });
        var restBody = await rest.Content.ReadAsStringAsync();

        Assert.Equal(StatusCode.PermissionDenied, unknownError.StatusCode);
        Assert.Equal($"id_tag '{unknown}' is not registered: the session was not started", unknownError.Status.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.Contains($"id_tag '{blocked}' is blocked", restBody);
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });
        Assert.Equal(2, charger.RefusedStartCount);
        Assert.Equal(["Invalid", "Blocked"], charger.RefusedStarts.Select(r => r.Status));
        Assert.Empty((await Sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = chargerId })).Sessions);
    }

    [Fact]
    public async Task A_registered_tag_starts_over_grpc_and_a_deleted_one_no_longer_does()
    {
        var tag = await Put();
        var chargerId = TestIds.New("CP");
        var driver = new StationDriver(host.Channel);

        var session = await driver.Start(chargerId, tag, 0, T0);
        await driver.Stop(chargerId, session.SessionId, 1000, T0.AddMinutes(10));
        await Tokens.DeleteTokenAsync(new DeleteTokenRequest { IdTag = tag });
        var afterDelete = await Assert.ThrowsAsync<RpcException>(() => driver.Start(chargerId, tag, 1000, T0.AddMinutes(11)));
        var gone = await Assert.ThrowsAsync<RpcException>(() => Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag }).ResponseAsync);

        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(StatusCode.PermissionDenied, afterDelete.StatusCode);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Contains($"'{tag}' is not registered", gone.Status.Detail);
    }

    [Fact]
    public async Task The_token_api_refuses_bad_input_naming_what_was_wrong()
    {
        var tag = TestIds.New("TAG");

        async Task<RpcException> Refused(PutTokenRequest request) =>
            await Assert.ThrowsAsync<RpcException>(() => Tokens.PutTokenAsync(request).ResponseAsync);

        var unknownParent = await Refused(new PutTokenRequest { IdTag = tag, ParentIdTag = "NO-SUCH-GROUP" });
        var unknownCustomer = await Refused(new PutTokenRequest { IdTag = tag, CustomerId = "no-such-customer" });
        var ownParent = await Refused(new PutTokenRequest { IdTag = tag, ParentIdTag = tag });
        var badStatus = await Refused(new PutTokenRequest { IdTag = tag, Status = "MAYBE" });
        var zeroLimit = await Refused(new PutTokenRequest { IdTag = tag, MaxConcurrentSessions = 0 });
        var badId = await Refused(new PutTokenRequest { IdTag = "has space" });
        var driver = await Assert.ThrowsAsync<RpcException>(() => Tokens.PutTokenAsync(new PutTokenRequest { IdTag = tag },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", [tag])))).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "parent_id_tag 'NO-SUCH-GROUP' is not registered: register the group's tag first"), (unknownParent.StatusCode, unknownParent.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "customer 'no-such-customer' does not exist"), (unknownCustomer.StatusCode, unknownCustomer.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, ownParent.StatusCode);
        Assert.Contains("its own parent_id_tag", ownParent.Status.Detail);
        Assert.Equal((StatusCode.InvalidArgument, "status 'MAYBE' must be ACCEPTED, BLOCKED, EXPIRED or INVALID"), (badStatus.StatusCode, badStatus.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, zeroLimit.StatusCode);
        Assert.Contains("max_concurrent_sessions must be 1..100", zeroLimit.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, badId.StatusCode);
        Assert.Contains("id_tag may contain only", badId.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, driver.StatusCode);
        var notThere = await Assert.ThrowsAsync<RpcException>(() => Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notThere.StatusCode);
    }

    [Fact]
    public async Task Tokens_are_listed_in_id_tag_order_page_by_page()
    {
        var prefix = $"LIST-{Guid.NewGuid():N}"[..13];
        var tags = new[] { "c", "a", "e", "b", "d" }.Select(s => $"{prefix}-{s}").ToArray();
        foreach (var tag in tags)
        {
            await Put(idTag: tag);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Tokens.ListTokensAsync(new ListTokensRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Tokens.Count <= 2);
            seen.AddRange(page.Tokens.Select(t => t.IdTag));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0 && pages < 1000);

        Assert.Equal(tags.Order(StringComparer.Ordinal), seen.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        var badPage = await Assert.ThrowsAsync<RpcException>(() => Tokens.ListTokensAsync(new ListTokensRequest { PageSize = 501 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badPage.StatusCode);
    }

    [Fact]
    public async Task A_customer_owns_tokens_and_is_read_back_as_written()
    {
        var customers = new CustomerService.CustomerServiceClient(host.Channel);
        var customerId = TestIds.New("cust");

        var put = await customers.PutCustomerAsync(new PutCustomerRequest
        {
            CustomerId = customerId, Kind = "COMPANY", Name = "Fleet B.V.", Email = "billing@fleet.example", Address = "Kade 1",
            City = "Utrecht", PostalCode = "3511 AA", Country = "NLD", VatId = "NL123456789B01",
        });
        var tag = (await Tokens.PutTokenAsync(new PutTokenRequest { IdTag = TestIds.New("TAG"), CustomerId = customerId, Label = "van 12" })).IdTag;
        var read = await customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId });
        var token = await Tokens.GetTokenAsync(new GetTokenRequest { IdTag = tag });
        var badVat = await Assert.ThrowsAsync<RpcException>(() => customers.PutCustomerAsync(new PutCustomerRequest { CustomerId = customerId, Name = "x", VatId = "123" }).ResponseAsync);
        var noName = await Assert.ThrowsAsync<RpcException>(() => customers.PutCustomerAsync(new PutCustomerRequest { CustomerId = customerId }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = TestIds.New("nobody") }).ResponseAsync);

        Assert.Equal(put, read);
        Assert.Equal(("COMPANY", "Fleet B.V.", "NL123456789B01", "NLD"), (read.Kind, read.Name, read.VatId, read.Country));
        Assert.Equal((customerId, "van 12"), (token.CustomerId, token.Label));
        Assert.Equal(StatusCode.InvalidArgument, badVat.StatusCode);
        Assert.Contains("vat_id '123'", badVat.Status.Detail);
        Assert.Equal((StatusCode.InvalidArgument, "name is required"), (noName.StatusCode, noName.Status.Detail));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Fleet B.V.", (await customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId })).Name);
    }

    [Fact]
    public async Task By_default_a_chargers_local_list_is_kept_empty_so_its_credential_discloses_no_tag()
    {
        var accepted = await Put();
        await Put("BLOCKED");
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);
        var (asked, full) = await cp.BootWithLocalList();
        await Eventually.Get(() => Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }).ResponseAsync, c => c.LocalListVersion > 0);
        await Put("BLOCKED", idTag: accepted);
        await cp.Call("Heartbeat", new JsonObject());
        var differential = await cp.NextLocalListCall();

        Assert.Equal(("GetLocalListVersion", "SendLocalList", "Full"), (asked.Action, full.Action, full.Payload["updateType"]!.GetValue<string>()));
        // A list kept empty (one left from before is cleared): every tag is authorized online.
        Assert.Empty(full.Payload["localAuthorizationList"]?.AsArray() ?? []);
        // A change only ever removes: no idTagInfo names a tag's standing.
        Assert.All(differential.Payload["localAuthorizationList"]?.AsArray() ?? [], e => Assert.Null(e!["idTagInfo"]));
    }

    [Fact]
    public async Task A_charger_without_a_local_list_is_asked_once_and_then_left_alone()
    {
        var chargerId = TestIds.New("CP");
        await using var cp = await host.ConnectOcpp(chargerId);

        await cp.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        var asked = await cp.NextLocalListCall();
        var marked = await Eventually.Get(() => Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }).ResponseAsync, c => c.LocalListUnsupported);
        await Put();
        await cp.Call("Heartbeat", new JsonObject());
        await cp.Call("Heartbeat", new JsonObject());

        Assert.Equal("GetLocalListVersion", asked.Action);
        Assert.True(marked.LocalListUnsupported);
        Assert.Equal(0, marked.LocalListVersion);
        // No SendLocalList arrived while the heartbeats were answered (each heartbeat starts a sync).
        Assert.Equal(["GetLocalListVersion"], cp.LocalListCalls.Select(c => c.Action));
    }

    [Fact]
    public async Task The_registry_works_over_rest_with_the_same_errors()
    {
        var group = await Put();
        var idTag = TestIds.New("REST");
        using var put = await host.Http.PutAsJsonAsync($"/v1/tokens/{idTag}",
            new { status = "ACCEPTED", parentIdTag = group, maxConcurrentSessions = 2, label = "card 7", expiresAt = DateTime.UtcNow.AddDays(1).ToString("O") });
        var token = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
        var check = JsonNode.Parse(await host.Http.GetStringAsync($"/v1/tokens/{idTag}:check"))!;
        using var unknown = await host.Http.GetAsync($"/v1/tokens/{TestIds.New("NOPE")}");
        using var badParent = await host.Http.PutAsJsonAsync($"/v1/tokens/{TestIds.New("REST")}", new { parentIdTag = "NO-SUCH" });
        using var deleted = await host.Http.DeleteAsync($"/v1/tokens/{idTag}");
        var afterDelete = JsonNode.Parse(await host.Http.GetStringAsync($"/v1/tokens/{idTag}:check"))!;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((group, 2, "card 7"), (token["parentIdTag"]!.GetValue<string>(), token["maxConcurrentSessions"]!.GetValue<int>(), token["label"]!.GetValue<string>()));
        Assert.Equal(("Accepted", group), (check["status"]!.GetValue<string>(), check["parentIdTag"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("is not registered", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, badParent.StatusCode);
        Assert.Contains("parent_id_tag 'NO-SUCH' is not registered", await badParent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("Invalid", afterDelete["status"]!.GetValue<string>());
        Assert.Contains("is not registered", afterDelete["reason"]!.GetValue<string>());
    }
}
