using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>
/// Only the meter decides: each finding of the hostile review (issue 12) as a regression test against the real host,
/// over REST, gRPC and OCPP where it applies. Every test tries the attack and checks what was accepted before is intact.
/// </summary>
public sealed class IntegrityTests(HostileInputHostFixture host) : IClassFixture<HostileInputHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-1);

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static Timestamp Ts(double minutes) => Timestamp.FromDateTime(T0.AddMinutes(minutes));

    private StationService.StationServiceClient Station => new(host.Channel);

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    private string DriverToken(params string[] idTags) => host.Security.Token("driver", "driver-7", idTags);

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpMethod method, string path, object? body = null, string? bearer = null, string? raw = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (raw is not null)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string Message(JsonNode? body) => body?["message"]?.GetValue<string>() ?? "";

    private Task<Session> Until(string sessionId, Func<Session, bool> done) =>
        Eventually.Get(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }).ResponseAsync, done);

    private async Task<Session> StartWithReading(string chargerId, string idTag, double startWh, double readingWh, double minutes)
    {
        var driver = new StationDriver(host.Channel);
        var started = await driver.Start(chargerId, idTag, startWh, T0);
        await driver.Report(chargerId, started.SessionId, T0.AddMinutes(minutes), readingWh);
        return await driver.Until(started.SessionId, s => s.ReadingCount + s.AnomalyCount >= 1);
    }

    [Fact]
    public async Task A_driver_cannot_set_the_meter_stop_of_their_own_session_over_rest()
    {
        var (chargerId, tag) = (TestIds.New("cp"), TestIds.New("TAG"));
        var session = await StartWithReading(chargerId, tag, 0, 30_000, 50);

        var (status, body) = await Send(HttpMethod.Post, $"/v1/sessions/{session.SessionId}:stop",
            new { meterStopWh = 0, timestamp = At(0.02) }, bearer: DriverToken(tag));
        var after = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.NotEmpty(Message(body));
        Assert.Equal(SessionState.Active, after.State);
        Assert.Equal(30_000, after.EnergyWh);
        Assert.Equal(session.Version, after.Version);
    }

    [Fact]
    public async Task A_drivers_stop_reaches_an_ocpp_charger_and_the_session_ends_with_the_chargers_own_register()
    {
        var (cp, tag) = (TestIds.New("CP"), TestIds.New("TAG")[..20]);
        await using var client = await host.ConnectOcpp(cp);
        var start = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = tag, ["meterStart"] = 0, ["timestamp"] = At(0) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();
        await client.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(50), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "30000" }) }),
        });
        var sessionId = $"{cp}~{tx}";
        await Until(sessionId, s => s.ReadingCount == 1);
        var driver = TestSecurity.Header(TestSecurity.Bearer(DriverToken(tag)));

        var request = Sessions.RequestStopAsync(new RequestStopRequest { SessionId = sessionId }, driver).ResponseAsync;
        var (action, payload) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var answer = await request;
        await client.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 30_200, ["timestamp"] = At(52), ["reason"] = "Remote" });
        var final = await Until(sessionId, s => s.State == SessionState.Completed);

        Assert.Equal(("RemoteStopTransaction", tx), (action, payload["transactionId"]!.GetValue<int>()));
        Assert.Equal(("ocpp", "Accepted"), (answer.Channel, answer.Status));
        Assert.Equal(30_200, final.EnergyWh);
        Assert.Equal("Remote", final.StopReason);
    }

    [Fact]
    public async Task A_grpc_station_receives_a_remote_stop_on_its_command_stream_and_stops_with_its_register()
    {
        var (chargerId, tag) = (TestIds.New("cp"), TestIds.New("TAG"));
        var session = await StartWithReading(chargerId, tag, 1000, 5000, 20);
        var chargerAuth = TestSecurity.Header(await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId));
        using var commands = Station.ReceiveCommands(new ReceiveCommandsRequest { ChargerId = chargerId }, chargerAuth);
        var next = commands.ResponseStream.MoveNext();
        var operatorHeader = TestSecurity.Header(TestSecurity.Bearer(host.Security.OperatorToken));

        // The stream registers with the charger grain as it opens; until then the charger is "not connected".
        var answer = await Charge.Tests.Eventually.Succeeds(
            () => Sessions.RequestStopAsync(new RequestStopRequest { SessionId = session.SessionId }, operatorHeader).ResponseAsync,
            e => e is RpcException { StatusCode: StatusCode.FailedPrecondition });

        Assert.True(await next);
        var command = commands.ResponseStream.Current;
        var stopped = await Station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = command.RemoteStop.SessionId, MeterStopWh = 5100, Timestamp = Ts(21), Reason = "Remote",
        });

        Assert.Equal(("station-stream", "Sent"), (answer.Channel, answer.Status));
        Assert.Equal(session.SessionId, command.RemoteStop.SessionId);
        Assert.Equal(1, command.RemoteStop.ConnectorId);
        Assert.Equal(SessionState.Completed, stopped.State);
        Assert.Equal(4100, stopped.EnergyWh);
    }

    [Fact]
    public async Task An_operator_force_closes_a_zombie_at_its_last_accepted_register_and_a_register_in_the_body_is_refused()
    {
        var chargerId = TestIds.New("cp");
        var session = await StartWithReading(chargerId, "T", 1000, 3000, 10);

        var (withRegister, refusal) = await Send(HttpMethod.Post, $"/v1/sessions/{session.SessionId}:forceClose", new { meterStopWh = 0 });
        var (status, closed) = await Send(HttpMethod.Post, $"/v1/sessions/{session.SessionId}:forceClose", new { });
        var charger = await new ChargerService.ChargerServiceClient(host.Channel).GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });

        Assert.Equal(HttpStatusCode.BadRequest, withRegister);
        Assert.Contains("meterStopWh", Message(refusal));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SESSION_STATE_COMPLETED", closed!["state"]!.GetValue<string>());
        Assert.Equal(2000, closed["energyWh"]!.GetValue<double>());
        Assert.Equal("ForceClosed", closed["stopReason"]!.GetValue<string>());
        Assert.Equal("operator:test-operator", closed["closedBy"]!.GetValue<string>());
        Assert.NotNull(closed["closedAt"]);
        Assert.Equal("", charger.Connectors.Single(c => c.ConnectorId == 1).ActiveSessionId);
    }

    [Fact]
    public async Task An_implausible_register_is_set_aside_and_never_billed()
    {
        var chargerId = TestIds.New("cp");
        var session = await StartWithReading(chargerId, "T", 0, 123_456_789, 5);
        await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId, SessionId = session.SessionId, Readings = { new Api.V1.MeterReading { Timestamp = Ts(10), EnergyWh = 1500 } },
        });
        var stopped = await Station.StopSessionAsync(new StopSessionRequest { ChargerId = chargerId, SessionId = session.SessionId, MeterStopWh = 2000, Timestamp = Ts(15), Reason = "Local" });

        Assert.Equal(SessionState.Completed, stopped.State);
        Assert.Equal(2000, stopped.EnergyWh);
        Assert.Contains(stopped.Anomalies, a => a.Kind == "Spike" && a.EnergyWh == 123_456_789);
    }

    [Fact]
    public async Task A_terawatt_hour_in_ten_minutes_is_not_billed()
    {
        var chargerId = TestIds.New("cp");
        var session = await StartWithReading(chargerId, "T", 0, 5000, 5);
        var stopped = await Station.StopSessionAsync(new StopSessionRequest { ChargerId = chargerId, SessionId = session.SessionId, MeterStopWh = 1e12, Timestamp = Ts(10), Reason = "Local" });

        Assert.Equal(5000, stopped.EnergyWh);
        Assert.Contains(stopped.Anomalies, a => a.Kind == "JumpExcluded");
    }

    [Theory]
    [InlineData("1e25")]
    [InlineData("10000000000000")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task An_ocpp_register_beyond_the_limits_is_a_property_constraint_violation(string meterStart)
    {
        var cp = TestIds.New("CP");
        await using var client = await host.ConnectOcpp(cp);

        var reply = await client.SendRaw($$"""[2,"m1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":{{meterStart}},"timestamp":"{{At(0)}}"}]""");
        var charger = await new ChargerService.ChargerServiceClient(host.Channel).GetChargerAsync(new GetChargerRequest { ChargerId = cp });

        Assert.Equal(4, reply[0]!.GetValue<int>());
        Assert.Contains(reply[2]!.GetValue<string>(), new[] { "PropertyConstraintViolation", "TypeConstraintViolation" });
        Assert.Contains("meterStart", reply[3]!.GetValue<string>());
        Assert.All(charger.Connectors, c => Assert.Equal("", c.ActiveSessionId));
    }

    [Fact]
    public async Task A_meter_value_of_1e25_over_ocpp_is_refused_and_the_session_keeps_its_energy()
    {
        var cp = TestIds.New("CP");
        await using var client = await host.ConnectOcpp(cp);
        var start = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 100, ["timestamp"] = At(0) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();

        var reply = await client.SendRaw($$"""[2,"m9","MeterValues",{"connectorId":1,"transactionId":{{tx}},"meterValue":[{"timestamp":"{{At(5)}}","sampledValue":[{"value":"1e25"}]}]}]""");
        var session = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" });

        Assert.Equal(("PropertyConstraintViolation", true), (reply[2]!.GetValue<string>(), reply[3]!.GetValue<string>().Contains("sampledValue[0].value")));
        Assert.Equal((0, 0), (session.ReadingCount, (int)session.EnergyWh));
    }

    [Fact]
    public async Task A_rest_session_id_in_another_chargers_namespace_is_refused_and_the_victim_starts_as_usual()
    {
        var victim = TestIds.New("CP-VICTIM");
        var (squat, body) = await Send(HttpMethod.Post, $"/v1/chargers/{TestIds.New("cp")}/sessions",
            new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = At(0), sessionId = $"{victim}~1" });
        await using var client = await host.ConnectOcpp(victim);

        var start = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 0, ["timestamp"] = At(1) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();
        var session = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{victim}~{tx}" });

        Assert.Equal(HttpStatusCode.NotFound, squat);
        Assert.Contains(victim, Message(body));
        Assert.Equal(3, start[0]!.GetValue<int>());
        Assert.Equal(1, tx);
        Assert.Equal((SessionState.Active, victim), (session.State, session.ChargerId));
    }

    [Fact]
    public async Task A_stop_below_the_start_register_over_ocpp_is_answered_and_frees_the_connector()
    {
        var cp = TestIds.New("CP");
        await using var client = await host.ConnectOcpp(cp);
        var start = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 50_000, ["timestamp"] = At(0) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();

        var stop = await client.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 120, ["timestamp"] = At(10) });
        var session = await Until($"{cp}~{tx}", s => s.State == SessionState.Completed);
        var next = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 0, ["timestamp"] = At(11) });

        Assert.Equal(3, stop[0]!.GetValue<int>());
        Assert.Equal(SessionState.Completed, session.State);
        Assert.True(session.EnergyWh >= 0);
        Assert.Contains(session.Anomalies, a => a.Kind is "RelativeMeterValues" or "StopBelowStart");
        Assert.Equal(3, next[0]!.GetValue<int>());
    }

    [Fact]
    public async Task After_a_lost_stop_transaction_the_next_start_on_the_connector_supersedes_the_stale_session()
    {
        var cp = TestIds.New("CP");
        await using var client = await host.ConnectOcpp(cp);
        var first = (await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 1000, ["timestamp"] = At(0) }))[2]!["transactionId"]!.GetValue<int>();
        await client.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = first,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(10), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "2500" }) }),
        });
        await Until($"{cp}~{first}", s => s.ReadingCount == 1);

        // The StopTransaction of the first session never arrives.
        var second = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 2600, ["timestamp"] = At(30) });
        var stale = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{first}" });

        Assert.Equal(3, second[0]!.GetValue<int>());
        Assert.NotEqual(first, second[2]!["transactionId"]!.GetValue<int>());
        Assert.Equal(SessionState.Completed, stale.State);
        Assert.Equal("Superseded", stale.StopReason);
        Assert.Equal(1500, stale.EnergyWh);
        Assert.Contains(stale.Anomalies, a => a.Kind == "ClosedWithoutStop");
    }

    private const string TariffPath = "/v1/tariffs/";

    private async Task<(HttpStatusCode, string)> PutTariff(string id, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.PutAsync($"{TariffPath}{id}", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text);
    }

    [Theory]
    [InlineData("""{"id":"X","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":7.9e27,"step_size":1}]}]}""", "price")]
    [InlineData("""{"id":"X","currency":"EUR","currency":"USD","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}]}]}""", "currency")]
    [InlineData("""{"id":"X","currency":"EUR","type":"EVIL","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}]}]}""", "EVIL")]
    [InlineData("""{"id":"X","currency":"EUR","time_zone":"europe/berlin","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}]}]}""", "Europe/Berlin")]
    [InlineData("""{"id":"X","currency":"EUR","time_zone":"utc","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}]}]}""", "UTC")]
    [InlineData("""{"id":"X","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}],"restrictions":{"min_kwh":1e30}}]}""", "min_kwh")]
    public async Task A_tariff_that_could_break_arithmetic_or_is_ambiguous_is_refused_naming_the_problem(string json, string named)
    {
        var id = TestIds.New("t");
        var valid = $$"""{"id":"{{id}}","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"step_size":1}]}]}""";
        Assert.Equal(HttpStatusCode.OK, (await PutTariff(id, valid)).Item1);

        var (status, body) = await PutTariff(id, json.Replace("\"X\"", $"\"{id}\""));
        var kept = await host.Http.GetStringAsync($"{TariffPath}{id}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, body);
        Assert.Equal(valid, kept);
    }

    [Fact]
    public async Task A_csv_export_neutralises_formula_characters_after_every_separator()
    {
        Assert.Equal("\"'1;=2\"", Charge.Gateway.Billing.CdrExport.Quote("1;=2"));
        Assert.Equal("\"'\tcmd\"", Charge.Gateway.Billing.CdrExport.Quote("\tcmd"));
        Assert.Equal("\"'\rx\"", Charge.Gateway.Billing.CdrExport.Quote("\rx"));
        Assert.Equal("'=HYPERLINK(1)", Charge.Gateway.Billing.CdrExport.Quote("=HYPERLINK(1)"));
        Assert.Equal("\"'a,@b\"", Charge.Gateway.Billing.CdrExport.Quote("a,@b"));
        Assert.Equal("12.5", Charge.Gateway.Billing.CdrExport.Quote("12.5"));

        // Through the export: a stop reason a station chose reaches the CSV neutralised.
        var chargerId = TestIds.New("cp");
        var session = await StartWithReading(chargerId, "T", 0, 100, 5);
        await Station.StopSessionAsync(new StopSessionRequest { ChargerId = chargerId, SessionId = session.SessionId, MeterStopWh = 200, Timestamp = Ts(6), Reason = "x;=cmd|' /C calc'!A0" });
        await Until(session.SessionId, s => s.State == SessionState.Completed);
        var csv = await Charge.Tests.Eventually.Get(
            () => host.Http.GetStringAsync($"/v1/cdrs?from={T0:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}&chargerId={chargerId}&format=csv"),
            text => text.Contains(session.SessionId));

        Assert.Contains("\"'x;=cmd|' /C calc'!A0\"", csv);
    }

    [Fact]
    public async Task A_signed_bearer_token_with_role_charger_is_refused()
    {
        var chargerId = TestIds.New("cp");
        var token = host.Security.Token("charger", chargerId, []);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/chargers/{chargerId}/heartbeat") { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await host.RawHttp.SendAsync(request);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => new StationService.StationServiceClient(host.RawChannel)
            .HeartbeatAsync(new HeartbeatRequest { ChargerId = chargerId }, TestSecurity.Header(TestSecurity.Bearer(token))).ResponseAsync);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("operator or driver", await response.Content.ReadAsStringAsync());
        Assert.Equal(StatusCode.Unauthenticated, grpc.StatusCode);
        Assert.Contains("operator or driver", grpc.Status.Detail);
    }

    [Theory]
    [InlineData("/v1/reports/usage?scope=network&from=0001-01-01&to=0001-01-02", "from")]
    [InlineData("/v1/reports/usage?scope=network&from=9999-12-30&to=9999-12-31", "from")]
    [InlineData("/v1/cdrs?from=9999-12-30&to=9999-12-31", "from")]
    public async Task Dates_outside_the_supported_range_are_400(string path, string named)
    {
        var (status, body) = await Send(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, Message(body));
    }

    [Fact]
    public async Task Closing_billing_period_9999_12_is_400()
    {
        var (status, body) = await Send(HttpMethod.Post, "/v1/billing-periods/9999-12:close", new { });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("9999-12", Message(body));
    }

    [Fact]
    public async Task A_null_meter_start_and_a_reading_without_energy_are_refused_never_read_as_zero()
    {
        var chargerId = TestIds.New("cp");
        var (nullStart, startBody) = await Send(HttpMethod.Post, $"/v1/chargers/{chargerId}/sessions",
            raw: $$"""{"connectorId":1,"idTag":"T","meterStartWh":null,"timestamp":"{{At(0)}}"}""");
        var session = await StartWithReading(chargerId, "T", 100, 200, 5);
        var (noEnergy, readingBody) = await Send(HttpMethod.Post, $"/v1/chargers/{chargerId}/meter-values",
            raw: $$"""{"sessionId":"{{session.SessionId}}","readings":[{"timestamp":"{{At(6)}}","powerW":7000}]}""");
        var after = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (nullStart, noEnergy));
        Assert.Contains("meter_start_wh", Message(startBody));
        Assert.Contains("readings[0].energy_wh", Message(readingBody));
        Assert.Equal((1, 100d, session.Version), (after.ReadingCount, after.EnergyWh, after.Version));
    }

    [Fact]
    public async Task Json_syntax_errors_name_the_position_and_a_duplicate_key_names_the_key()
    {
        var path = $"/v1/chargers/{TestIds.New("cp")}/sessions";
        var (truncated, a) = await Send(HttpMethod.Post, path, raw: """{"connectorId":1,"idTag":"T" """);
        var (wrongType, b) = await Send(HttpMethod.Post, path, raw: """{"connectorId":"one","idTag":"T"}""");
        var (duplicate, c) = await Send(HttpMethod.Post, path, raw: """{"connectorId":1,"connectorId":2,"idTag":"T","meterStartWh":0,"timestamp":"2026-01-01T00:00:00Z"}""");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (truncated, wrongType, duplicate));
        Assert.Contains("line 1, position", Message(a));
        Assert.Contains("connectorId must be an integer", Message(b));
        Assert.Contains("'connectorId'", Message(c));
    }

    [Fact]
    public async Task Refusals_by_the_framework_have_a_body_that_says_what_was_wrong()
    {
        var anonymous = await host.RawHttp.GetAsync($"/v1/sessions/{TestIds.New("s")}");
        var (forbidden, f) = await Send(HttpMethod.Get, "/v1/sites", bearer: DriverToken("T"));
        var (noRoute, n) = await Send(HttpMethod.Get, "/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Bearer", Message(JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("GET /v1/sites", Message(f));
        Assert.Equal(HttpStatusCode.NotFound, noRoute);
        Assert.Contains("/v1/no-such-thing", Message(n));
    }

    [Fact]
    public async Task Someone_elses_session_and_no_session_get_the_same_answer()
    {
        var session = await StartWithReading(TestIds.New("cp"), "OWNER", 0, 10, 1);
        var driver = DriverToken("OTHER");

        var (theirs, a) = await Send(HttpMethod.Get, $"/v1/sessions/{session.SessionId}", bearer: driver);
        var missing = session.SessionId[..^4] + "zzzz";
        var (none, b) = await Send(HttpMethod.Get, $"/v1/sessions/{missing}", bearer: driver);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs, none));
        Assert.Equal(Message(a).Replace(session.SessionId, "ID"), Message(b).Replace(missing, "ID"));
    }
}
