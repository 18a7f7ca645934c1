using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit.Abstractions;

namespace Charge.Host.Tests;

/// <summary>
/// Hundreds of malformed, out-of-range and hostile inputs across REST, gRPC and OCPP against one real host holding
/// accepted data (a charger with a running session and a reading, an OCPP transaction, a tariff, a site). Each must
/// be refused with a 4xx / non-OK status / CALLERROR whose message names the problem, and afterwards everything that
/// was accepted before is exactly as it was.
/// </summary>
public sealed class BadInputMatrixTests(HostileInputHostFixture host, ITestOutputHelper output) : IClassFixture<HostileInputHostFixture>
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private sealed record Accepted(string ChargerId, string ChargerAuth, string SessionId, string OcppCp, int Tx, string TariffId, string SiteId);

    private async Task<Accepted> Arrange()
    {
        var chargerId = $"MX-{Guid.NewGuid():N}"[..20];
        var auth = await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        var station = new StationService.StationServiceClient(host.Channel);
        var started = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = "MX-TAG", MeterStartWh = 10_000, Timestamp = Timestamp.FromDateTime(Now.AddMinutes(-30)),
        });
        await station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId,
            Readings = { new Api.V1.MeterReading { Timestamp = Timestamp.FromDateTime(Now.AddMinutes(-20)), EnergyWh = 12_000, PowerW = 7000 } },
        });
        var cp = $"MXO-{Guid.NewGuid():N}"[..20];
        var tariffId = $"mt-{Guid.NewGuid():N}"[..20];
        var siteId = $"ms-{Guid.NewGuid():N}"[..20];
        using (var put = await host.Http.PutAsync($"/v1/tariffs/{tariffId}", Json(ValidTariff(tariffId))))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var site = await host.Http.PutAsync($"/v1/sites/{siteId}", Json("""{"name":"Depot","timeZone":"Europe/Berlin"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, site.StatusCode);
        }

        return new Accepted(chargerId, auth, started.SessionId, cp, 0, tariffId, siteId);
    }

    private static string ValidTariff(string id) =>
        $$"""{"id":"{{id}}","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}]}]}""";

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>Everything accepted, as the API shows it (durations, which grow with the clock, left out).</summary>
    private async Task<string> Snapshot(Accepted a)
    {
        var parts = new List<string>();
        foreach (var path in new[]
        {
            $"/v1/sessions/{a.SessionId}", $"/v1/sessions/{a.OcppCp}~{a.Tx}", $"/v1/chargers/{a.ChargerId}", $"/v1/chargers/{a.OcppCp}",
            $"/v1/tariffs/{a.TariffId}", $"/v1/sites/{a.SiteId}", $"/v1/sessions?chargerId={a.ChargerId}", "/v1/tariffs",
        })
        {
            var node = JsonNode.Parse(await host.Http.GetStringAsync(path))!;
            Strip(node);
            parts.Add($"{path}: {node.ToJsonString()}");
        }

        return string.Join("\n", parts);
    }

    private static void Strip(JsonNode node)
    {
        if (node is JsonObject o)
        {
            o.Remove("durationSeconds");
            o.Remove("lastHeartbeat");
            // Liveness, not accepted data: a charger whose request is refused was still heard from.
            o.Remove("lastSeen");
            foreach (var (_, child) in o.ToList())
            {
                if (child is not null)
                {
                    Strip(child);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                if (child is not null)
                {
                    Strip(child);
                }
            }
        }
    }

    /// <summary>One hostile REST call: method, path, raw body (null: none), who calls, and the words one of which the refusal must contain.</summary>
    private sealed record RestCase(string Method, string Path, string? Body, string Auth, params string[] Names);

    private sealed record GrpcCase(string Name, Func<Task> Call, params string[] Names);

    private sealed record OcppCase(string Frame, params string[] Names);

    [Fact]
    public async Task Every_hostile_input_is_refused_naming_the_problem_and_nothing_accepted_changes()
    {
        var a = await Arrange();
        await using var ocpp = await host.ConnectOcpp(a.OcppCp);
        var tx = (await ocpp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "MX-OCPP", ["meterStart"] = 500, ["timestamp"] = Iso(Now.AddMinutes(-30)) }))[2]!["transactionId"]!.GetValue<int>();
        await ocpp.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = Iso(Now.AddMinutes(-25)), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "1500" }) }),
        });
        a = a with { Tx = tx };
        await WaitForReadings(a);
        var before = await Snapshot(a);

        var rest = RestCases(a).ToList();
        var grpc = GrpcCases(a).ToList();
        var frames = OcppCases(a).ToList();
        var failures = new List<string>();
        foreach (var c in rest)
        {
            var (status, message) = await Send(c, a);
            if ((int)status is < 400 or >= 500 || !Names(message, c.Names))
            {
                failures.Add($"REST {c.Method} {c.Path} {c.Body}: {(int)status} '{message}' (expected 4xx naming {string.Join("|", c.Names)})");
            }
        }

        foreach (var c in grpc)
        {
            try
            {
                await c.Call();
                failures.Add($"gRPC {c.Name}: OK (expected a refusal)");
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable)
            {
                failures.Add($"gRPC {c.Name}: {e.StatusCode} '{e.Status.Detail}'");
            }
            catch (RpcException e) when (!Names(e.Status.Detail, c.Names))
            {
                failures.Add($"gRPC {c.Name}: {e.StatusCode} '{e.Status.Detail}' (expected naming {string.Join("|", c.Names)})");
            }
            catch (RpcException)
            {
            }
        }

        foreach (var c in frames)
        {
            var reply = await ocpp.SendRaw(c.Frame);
            var description = reply.Count > 3 && reply[3] is JsonValue text && text.TryGetValue<string>(out var d) ? d : "";
            if (reply[0]!.GetValue<int>() != 4 || reply[2]!.GetValue<string>() is "InternalError" || !Names(description, c.Names))
            {
                failures.Add($"OCPP {c.Frame}: {reply.ToJsonString()} (expected a CALLERROR naming {string.Join("|", c.Names)})");
            }
        }

        var after = await Snapshot(a);
        output.WriteLine($"hostile inputs: {rest.Count} REST, {grpc.Count} gRPC, {frames.Count} OCPP = {rest.Count + grpc.Count + frames.Count}; refused as expected: {rest.Count + grpc.Count + frames.Count - failures.Count}");
        Assert.True(rest.Count + grpc.Count + frames.Count >= 300, "the matrix must hold at least 300 inputs");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Every_hostile_ocpp201_input_is_refused_naming_the_problem_and_the_accepted_transaction_does_not_change()
    {
        var station = TestIds.New("MX201");
        var tag = (await new TokenService.TokenServiceClient(host.Channel).PutTokenAsync(new PutTokenRequest { IdTag = TestIds.New("TAG"), Status = "ACCEPTED" },
            new Grpc.Core.Metadata { { "authorization", TestSecurity.Bearer(host.Security.OperatorToken) } })).IdTag;
        await using var client = await host.ConnectOcpp201(station);
        var tx = Guid.NewGuid().ToString();
        var (t0, t1) = (Iso(Now.AddMinutes(-30)), Iso(Now.AddMinutes(-20)));
        string Mv(string at, string sample) => $$"""[{"timestamp":"{{at}}","sampledValue":[{{sample}}]}]""";
        string Event(string type, int seqNo, string at, string extra = "", string? meter = null, string evse = """{"id":1}""", string transaction = "") =>
            $$"""{"eventType":"{{type}}","timestamp":"{{at}}","triggerReason":"MeterValuePeriodic","seqNo":{{seqNo}},"transactionInfo":{"transactionId":"{{(transaction.Length == 0 ? tx : transaction)}}"},"evse":{{evse}}{{(meter is null ? "" : $",\"meterValue\":{meter}")}}{{extra}}}""";
        string Call(string action, string payload) => $"[2,\"h{Guid.NewGuid():N}\"[..10],\"{action}\",{payload}]".Replace("\"[..10]", "\"");

        var started = await client.SendRaw(Call("TransactionEvent", Event("Started", 0, t0, $$""","idToken":{"idToken":"{{tag}}","type":"ISO14443"}""", Mv(t0, """{"value":1000,"context":"Transaction.Begin"}"""))));
        var updated = await client.SendRaw(Call("TransactionEvent", Event("Updated", 1, t1, meter: Mv(t1, """{"value":2500}"""))));
        Assert.Equal((3, 3), (started[0]!.GetValue<int>(), updated[0]!.GetValue<int>()));
        var sessionPath = $"/v1/sessions/{station}~{tx}";
        var before = await Charge.Tests.Eventually.Get(async () => JsonNode.Parse(await host.Http.GetStringAsync(sessionPath))!, j => j["readingCount"]?.GetValue<int>() == 1);
        var ts = Iso(Now.AddMinutes(-1));

        var cases = new List<(string Frame, string[] Names)>
        {
            // The frame and the action, as for 1.6.
            ("""[2,"m","Heartbeat",[]]""", ["object"]), ("""[2,"m","GetCertificateStatus",{}]""", ["GetCertificateStatus"]), ("""[2,"m","Heartbeat",{"a":1,"a":2}]""", ["'a'"]),
            // Boot, status, authorize: required, unknown, enums, lengths.
            (Call("BootNotification", """{"reason":"PowerUp"}"""), ["chargingStation"]),
            (Call("BootNotification", """{"reason":"Bored","chargingStation":{"vendorName":"A","model":"B"}}"""), ["reason"]),
            (Call("BootNotification", $$$"""{"reason":"PowerUp","chargingStation":{"vendorName":"{{{new string('v', 51)}}}","model":"B"}}"""), ["vendorName"]),
            (Call("StatusNotification", $$"""{"timestamp":"{{ts}}","connectorStatus":"Melting","evseId":1,"connectorId":1}"""), ["connectorStatus"]),
            (Call("StatusNotification", $$"""{"timestamp":"{{ts}}","connectorStatus":"Available","evseId":-1,"connectorId":1}"""), ["evseId"]),
            (Call("StatusNotification", $$"""{"timestamp":"{{ts}}","connectorStatus":"Available","evseId":5000,"connectorId":1}"""), ["evseId"]),
            (Call("StatusNotification", """{"timestamp":"yesterday","connectorStatus":"Available","evseId":1,"connectorId":1}"""), ["timestamp"]),
            (Call("Authorize", """{"idToken":{"idToken":"T","type":"Palm"}}"""), ["type"]),
            (Call("Authorize", $$$"""{"idToken":{"idToken":"{{{new string('t', 37)}}}","type":"ISO14443"}}"""), ["idToken"]),
            (Call("Authorize", """{"idToken":{"idToken":"../x","type":"ISO14443"}}"""), ["idToken"]),
            (Call("SecurityEventNotification", $$"""{"type":"X","timestamp":"{{ts}}","techInfo":"{{new string('i', 256)}}"}"""), ["techInfo"]),
            (Call("NotifyReport", $$"""{"requestId":1,"generatedAt":"{{ts}}","seqNo":0,"reportData":[{"component":{"name":"C"},"variable":{"name":"V"},"variableAttribute":[]}]}"""), ["variableAttribute"]),
        };
        // The transaction's own events: each field the schema or the domain's rules bound.
        foreach (var (extra, names) in new (string, string[])[] { (""","offline":"yes" """, ["offline"]), (""","evil":1""", ["evil"]) })
        {
            cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, extra)), names));
        }

        cases.Add((Call("TransactionEvent", Event("Teleported", 2, ts)), ["eventType"]));
        cases.Add((Call("TransactionEvent", Event("Updated", -1, ts)), ["seqNo"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts).Replace("\"seqNo\":2", "\"seqNo\":1.5")), ["seqNo"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts).Replace("\"transactionInfo\":{", "\"transactionInfo\":{\"chargingState\":\"Exploding\",")), ["chargingState"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, Iso(Now.AddHours(2)))), ["timestamp"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, evse: """{"id":0}""")), ["evse"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, transaction: "../x")), ["transactionId"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, transaction: new string('t', 37))), ["transactionId"]));
        foreach (var (sample, names) in new (string, string[])[]
        {
            ("""{"value":"1600"}""", ["value"]), ("""{"value":-5}""", ["value"]), ("""{"value":1e25}""", ["value"]), ("""{}""", ["value"]),
            ("""{"value":1600,"unitOfMeasure":{"unit":"MWh"}}""", ["unit"]), ("""{"value":1600,"unitOfMeasure":{"multiplier":10}}""", ["multiplier"]),
            ("""{"value":1600,"measurand":"Vibes"}""", ["measurand"]), ("""{"value":1600,"context":"Whenever"}""", ["context"]),
            ("""{"value":101,"measurand":"SoC"}""", ["state of charge"]), ("""{"value":1e12,"measurand":"Power.Active.Import"}""", ["value"]),
            ("""{"value":1600,"phase":"L9"}""", ["phase"]), ("""{"value":1600,"location":"Moon"}""", ["location"]),
            ("""{"value":1600,"unitOfMeasure":{"multiplier":1.5}}""", ["multiplier"]), ("""{"value":[1600]}""", ["value"]),
        })
        {
            cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, meter: Mv(ts, sample))), names));
        }

        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, meter: Mv("not a time", """{"value":1600}"""))), ["timestamp"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, meter: Mv(Iso(Now.AddHours(2)), """{"value":1600}"""))), ["timestamp"]));
        cases.Add((Call("TransactionEvent", Event("Updated", 2, ts, meter: "[]")), ["meterValue"]));

        var failures = new List<string>();
        foreach (var (frame, names) in cases)
        {
            var reply = await client.SendRaw(frame);
            var description = reply.Count > 3 && reply[3] is JsonValue text && text.TryGetValue<string>(out var d) ? d : "";
            if (reply[0]!.GetValue<int>() != 4 || reply[2]!.GetValue<string>() is "InternalError" || !Names(description, names))
            {
                failures.Add($"OCPP 2.0.1 {frame}: {reply.ToJsonString()} (expected a CALLERROR naming {string.Join("|", names)})");
            }
        }

        var after = JsonNode.Parse(await host.Http.GetStringAsync(sessionPath))!;
        output.WriteLine($"hostile OCPP 2.0.1 inputs: {cases.Count}; refused as expected: {cases.Count - failures.Count}");
        Assert.True(cases.Count >= 40, "the 2.0.1 section must hold at least 40 inputs");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Strip(before);
        Strip(after);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    private Task WaitForReadings(Accepted a) =>
        Charge.Tests.Eventually.Get(
            async () => (JsonNode.Parse(await host.Http.GetStringAsync($"/v1/sessions/{a.SessionId}"))!["readingCount"]!.GetValue<int>(),
                JsonNode.Parse(await host.Http.GetStringAsync($"/v1/sessions/{a.OcppCp}~{a.Tx}"))!["readingCount"]!.GetValue<int>()),
            counts => counts == (1, 1));

    private static bool Names(string message, string[] names) =>
        message.Length > 0 && (names.Length == 0 || names.Any(n => message.Contains(n, StringComparison.OrdinalIgnoreCase)));

    private async Task<(HttpStatusCode, string)> Send(RestCase c, Accepted a)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
        if (c.Body is not null)
        {
            request.Content = Json(c.Body);
        }

        var authorization = c.Auth switch
        {
            "charger" => a.ChargerAuth,
            "operator" => TestSecurity.Bearer(host.Security.OperatorToken),
            "driver" => TestSecurity.Bearer(host.Security.Token("driver", "mx-driver", ["MX-TAG"])),
            "none" => null,
            var raw => raw,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await host.RawHttp.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string message;
        try
        {
            message = JsonNode.Parse(text)?["message"]?.GetValue<string>() ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            message = text;
        }

        return (response.StatusCode, message);
    }

    private IEnumerable<RestCase> RestCases(Accepted a)
    {
        var start = $"/v1/chargers/{a.ChargerId}/sessions";
        var ts = Iso(Now.AddMinutes(-1));
        string StartBody(string connector = "2", string idTag = "\"T\"", string meter = "0", string timestamp = "", string extra = "")
        {
            var t = timestamp.Length == 0 ? $"\"{ts}\"" : timestamp;
            return $$"""{"connectorId":{{connector}},"idTag":{{idTag}},"meterStartWh":{{meter}},"timestamp":{{t}}{{extra}}}""";
        }

        foreach (var v in new[] { "-1", "0", "1001", "2147483648", "1e30", "\"x\"", "1.5", "true", "[]", "{}" })
        {
            yield return new("POST", start, StartBody(connector: v), "charger", "connector");
        }

        foreach (var v in new[] { "\"\"", $"\"{new string('a', 65)}\"", "\"bad tag\"", "\"<script>\"", "\"tag\\u0000\"", "123", "true", "[]", "\"t~t\"" })
        {
            yield return new("POST", start, StartBody(idTag: v), "charger", "id_tag", "idTag");
        }

        foreach (var v in new[] { "-1", "1e13", "1e300", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"abc\"", "null", "true", "[]", "-0.5" })
        {
            yield return new("POST", start, StartBody(meter: v), "charger", "meter_start_wh", "meterStartWh");
        }

        yield return new("POST", start, $$"""{"connectorId":2,"idTag":"T","timestamp":"{{ts}}"}""", "charger", "meter_start_wh");
        foreach (var v in new[] { "\"\"", "\"x\"", "\"2026-13-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "\"1999-12-31T23:59:59Z\"", "\"9999-12-31T23:59:59Z\"", $"\"{Iso(Now.AddHours(1))}\"", "12345", "null", "\"2026-02-30T00:00:00Z\"" })
        {
            yield return new("POST", start, StartBody(timestamp: v), "charger", "timestamp");
        }

        foreach (var v in new[] { "\"a~b~c\"", "\"~x\"", "\"x~\"", "\"OTHER-CHARGER~1\"", $"\"{new string('s', 65)}\"", "\"bad id!\"", "\"s p\"", "5" })
        {
            yield return new("POST", start, StartBody(extra: $",\"sessionId\":{v}"), "charger", "session_id", "sessionId", "session");
        }

        yield return new("POST", start, StartBody(extra: ",\"meterStopWh\":1"), "charger", "meterStopWh");
        yield return new("POST", start, StartBody(extra: ",\"foo\":1"), "charger", "foo");
        yield return new("POST", start, StartBody(extra: ",\"tariff\":{\"tariffId\":\"x\"}"), "charger", "tariff");
        yield return new("POST", start, StartBody(extra: ",\"siteId\":\"x\""), "charger", "siteId");
        yield return new("POST", start, StartBody(extra: ",\"connectorId\":3"), "charger", "connectorId");
        foreach (var v in new[] { """{"connectorId":2,"idTag":"T" """, """{"connectorId":2,}""", """{'connectorId':2}""", "xyz", """{"connectorId":NaN}""", """{"a":1}}""", """{"connectorId":2 "idTag":"T"}""" })
        {
            yield return new("POST", start, v, "charger", "line", "position");
        }

        foreach (var v in new[] { "[]", "\"str\"", "42", "null" })
        {
            yield return new("POST", start, v, "charger", "object");
        }

        // Readings.
        var meter = $"/v1/chargers/{a.ChargerId}/meter-values";
        var rts = Iso(Now.AddMinutes(-10));
        string Reading(string energy = "12500", string timestamp = "", string extra = "", string? session = null)
        {
            var t = timestamp.Length == 0 ? $"\"{rts}\"" : timestamp;
            return $$"""{"sessionId":{{session ?? $"\"{a.SessionId}\""}},"readings":[{"timestamp":{{t}},"energyWh":{{energy}}{{extra}}}]}""";
        }

        yield return new("POST", meter, $$"""{"sessionId":"{{a.SessionId}}","readings":[]}""", "charger", "readings");
        yield return new("POST", meter, $$"""{"sessionId":"{{a.SessionId}}"}""", "charger", "readings");
        yield return new("POST", meter, $$"""{"sessionId":"{{a.SessionId}}","readings":"x"}""", "charger", "readings");
        yield return new("POST", meter, $$$"""{"sessionId":"{{{a.SessionId}}}","readings":{"energyWh":1}}""", "charger", "readings");
        var many = string.Join(",", Enumerable.Range(0, 1001).Select(i => $$"""{"timestamp":"{{Iso(Now.AddMinutes(-19).AddMilliseconds(i))}}","energyWh":{{12_000 + i}}}"""));
        yield return new("POST", meter, $$"""{"sessionId":"{{a.SessionId}}","readings":[{{many}}]}""", "charger", "1000");
        foreach (var v in new[] { "-1", "1e13", "\"NaN\"", "\"Infinity\"", "\"x\"", "null", "true", "[]", "1e400" })
        {
            yield return new("POST", meter, Reading(energy: v), "charger", "energy_wh", "energyWh");
        }

        yield return new("POST", meter, $$"""{"sessionId":"{{a.SessionId}}","readings":[{"timestamp":"{{rts}}","powerW":7000}]}""", "charger", "energy_wh");
        foreach (var v in new[] { $"\"{Iso(Now.AddHours(2))}\"", "\"1999-01-01T00:00:00Z\"", "\"x\"", "null", "\"9999-12-31T23:59:59Z\"" })
        {
            yield return new("POST", meter, Reading(timestamp: v), "charger", "timestamp");
        }

        foreach (var (field, json, v) in new[]
        {
            // (A negative power or current is read as 0 on every transport: a meter's export or noise; ReadingRules.)
            ("power_w", "powerW", "-1e8"), ("power_w", "powerW", "1e8"), ("power_w", "powerW", "\"Infinity\""), ("power_w", "powerW", "\"x\""),
            ("current_a", "currentA", "-1e5"), ("current_a", "currentA", "1e5"), ("current_a", "currentA", "\"NaN\""),
            ("soc_percent", "socPercent", "-1"), ("soc_percent", "socPercent", "101"), ("soc_percent", "socPercent", "1e9"),
        })
        {
            yield return new("POST", meter, Reading(extra: $",\"{json}\":{v}"), "charger", field, json);
        }

        yield return new("POST", meter, Reading(extra: ",\"voltage\":230"), "charger", "voltage");
        foreach (var v in new[] { "\"\"", "\"OTHER~1\"", "\"no-such-session\"", "\"a~b~c\"", "null" })
        {
            yield return new("POST", meter, Reading(session: v), "charger", "session");
        }

        yield return new("POST", $"/v1/chargers/{a.OcppCp}/meter-values", Reading(), "charger", a.OcppCp);
        yield return new("POST", meter, Reading(), "operator", "may not call");
        yield return new("POST", meter, Reading(), "driver", "may not call");
        yield return new("POST", meter, Reading(), "none", "authentication");

        // Stops: only the charger, with the charger's register.
        var stop = $"/v1/sessions/{a.SessionId}:stop";
        var sts = Iso(Now.AddMinutes(-5));
        foreach (var (body, names) in new (string, string[])[]
        {
            ($$"""{"timestamp":"{{sts}}","reason":"Local"}""", ["meter_stop_wh"]),
            ($$"""{"meterStopWh":-1,"timestamp":"{{sts}}"}""", ["meter_stop_wh"]),
            ($$"""{"meterStopWh":1e13,"timestamp":"{{sts}}"}""", ["meter_stop_wh"]),
            ($$"""{"meterStopWh":"x","timestamp":"{{sts}}"}""", ["meterStopWh"]),
            ($$"""{"meterStopWh":null,"timestamp":"{{sts}}"}""", ["meter_stop_wh"]),
            ($$"""{"meterStopWh":"NaN","timestamp":"{{sts}}"}""", ["meter_stop_wh"]),
            ("""{"meterStopWh":13000}""", ["timestamp"]),
            ("""{"meterStopWh":13000,"timestamp":"x"}""", ["timestamp"]),
            ($$"""{"meterStopWh":13000,"timestamp":"{{Iso(Now.AddHours(1))}}"}""", ["timestamp"]),
            ("""{"meterStopWh":13000,"timestamp":"1999-01-01T00:00:00Z"}""", ["timestamp"]),
            ($$"""{"meterStopWh":13000,"timestamp":"{{sts}}","reason":"{{new string('r', 65)}}"}""", ["reason"]),
            ($$"""{"meterStopWh":13000,"timestamp":"{{sts}}","chargerId":"{{a.OcppCp}}"}""", [a.OcppCp]),
            ($$"""{"meterStopWh":13000,"timestamp":"{{sts}}","evil":1}""", ["evil"]),
        })
        {
            yield return new("POST", stop, body, "charger", names);
        }

        foreach (var who in new[] { "driver", "operator" })
        {
            yield return new("POST", stop, $$"""{"meterStopWh":0,"timestamp":"{{sts}}"}""", who, "may not call");
        }

        yield return new("POST", $"/v1/sessions/{a.OcppCp}~{a.Tx}:stop", $$"""{"meterStopWh":0,"timestamp":"{{sts}}"}""", "charger", a.OcppCp, "session");
        yield return new("POST", $"/v1/sessions/{a.SessionId}:forceClose", """{"meterStopWh":0}""", "operator", "meterStopWh");
        yield return new("POST", $"/v1/sessions/{a.SessionId}:forceClose", "{}", "driver", "may not call");
        yield return new("POST", $"/v1/sessions/{a.SessionId}:requestStop", """{"meterStopWh":0}""", "driver", "meterStopWh");
        yield return new("POST", $"/v1/sessions/{a.SessionId}:requestStop", "{}", TestSecurity.Bearer(host.Security.Token("driver", "x", ["SOMEONE-ELSE"])), "does not exist or is not visible");
        yield return new("POST", "/v1/sessions/nobody~nothing:requestStop", "{}", "operator", "does not exist");

        // Status and heartbeat.
        var status = $"/v1/chargers/{a.ChargerId}/status";
        foreach (var (body, names) in new (string, string[])[]
        {
            ("""{"connectorId":-1,"status":"CONNECTOR_STATUS_FAULTED","timestamp":"2026-01-01T00:00:00Z"}""", ["connector"]),
            ("""{"connectorId":1001,"status":"CONNECTOR_STATUS_FAULTED","timestamp":"2026-01-01T00:00:00Z"}""", ["connector"]),
            ("""{"connectorId":1,"status":"EVIL","timestamp":"2026-01-01T00:00:00Z"}""", ["status"]),
            ("""{"connectorId":1,"status":99,"timestamp":"2026-01-01T00:00:00Z"}""", ["status"]),
            ("""{"connectorId":1,"timestamp":"2026-01-01T00:00:00Z"}""", ["status"]),
            ($$"""{"connectorId":1,"status":"CONNECTOR_STATUS_FAULTED","errorCode":"{{new string('e', 51)}}","timestamp":"2026-01-01T00:00:00Z"}""", ["error_code"]),
            ("""{"connectorId":1,"status":"CONNECTOR_STATUS_FAULTED","timestamp":"soon"}""", ["timestamp"]),
            ("""{"connectorId":1,"status":"CONNECTOR_STATUS_FAULTED"}""", ["timestamp"]),
        })
        {
            yield return new("POST", status, body, "charger", names);
        }

        yield return new("POST", $"/v1/chargers/{a.ChargerId}/heartbeat", """{"timestamp":"x"}""", "charger", "timestamp");
        yield return new("POST", $"/v1/chargers/{a.ChargerId}/heartbeat", $$"""{"timestamp":"{{Iso(Now.AddDays(1))}}"}""", "charger", "timestamp");

        // Registration: the accepted charger's data must survive bad re-registrations.
        var registration = $"/v1/chargers/{a.ChargerId}/registration";
        foreach (var (body, names) in new (string, string[])[]
        {
            ("""{"connectorCount":0}""", ["connector_count"]), ("""{"connectorCount":1001}""", ["connector_count"]), ("""{"connectorCount":-1}""", ["connector_count"]),
            ("""{"connectorCount":"x"}""", ["connectorCount"]), ("""{}""", ["connector_count"]),
            ("""{"connectorCount":2,"maxPowerW":0}""", ["max_power_w"]), ("""{"connectorCount":2,"maxPowerW":1e9}""", ["max_power_w"]),
            ("""{"connectorCount":2,"maxPowerW":-5}""", ["max_power_w"]), ("""{"connectorCount":2,"maxPowerW":"NaN"}""", ["max_power_w"]),
            ("""{"connectorCount":2,"connectorMaxPowerW":[{"connectorId":99,"maxPowerW":11000}]}""", ["connector_max_power_w"]),
            ("""{"connectorCount":2,"connectorMaxPowerW":[{"connectorId":1,"maxPowerW":11000},{"connectorId":1,"maxPowerW":22000}]}""", ["twice"]),
            ("""{"connectorCount":2,"connectorMaxPowerW":[{"connectorId":1,"maxPowerW":1e12}]}""", ["max_power_w"]),
            ("""{"connectorCount":2,"secret":"short"}""", ["secret"]),
            ("""{"connectorCount":2,"connectorPowerType":"EVIL"}""", ["connector_power_type"]),
            ("""{"connectorCount":2,"connectorFormat":"X","connectorPowerType":"DC"}""", ["connector_format"]),
            ("""{"connectorCount":2,"connectorStandard":"lower case","connectorPowerType":"DC"}""", ["connector_standard"]),
            ("""{"connectorCount":2,"siteId":"bad id!"}""", ["site_id"]),
            ("""{"connectorCount":2,"connectorCount":3}""", ["connectorCount"]),
        })
        {
            yield return new("PUT", registration, body, "operator", names);
        }

        yield return new("PUT", registration, """{"connectorCount":2}""", "driver", "may not call");
        yield return new("PUT", registration, """{"connectorCount":2}""", "charger", "may not call");
        yield return new("PUT", $"/v1/chargers/{new string('c', 65)}/registration", """{"connectorCount":2}""", "operator", "charger_id");
        yield return new("PUT", "/v1/chargers/bad%20id/registration", """{"connectorCount":2}""", "operator", "charger_id");

        // Tariffs: the accepted tariff must survive every bad put of the same ID.
        var tariff = $"/v1/tariffs/{a.TariffId}";
        string T(string components, string extra = "") =>
            $$"""{"id":"{{a.TariffId}}","currency":"EUR"{{extra}},"elements":[{"price_components":[{{components}}]}]}""";
        const string Energy = """{"type":"ENERGY","price":0.3,"step_size":1}""";
        foreach (var (body, names) in new (string, string[])[]
        {
            (T("""{"type":"ENERGY","price":7.9e27,"step_size":1}"""), ["price"]),
            (T("""{"type":"ENERGY","price":1e7,"step_size":1}"""), ["price"]),
            (T("""{"type":"ENERGY","price":-1,"step_size":1}"""), ["price"]),
            (T("""{"type":"ENERGY","price":"x","step_size":1}"""), ["price"]),
            (T("""{"type":"ENERGY","price":0.3,"vat":101,"step_size":1}"""), ["vat"]),
            (T("""{"type":"ENERGY","price":0.3,"vat":-1,"step_size":1}"""), ["vat"]),
            (T("""{"type":"ENERGY","price":0.3,"step_size":0}"""), ["step_size"]),
            (T("""{"type":"ENERGY","price":0.3,"step_size":2000000000}"""), ["step_size"]),
            (T("""{"type":"ENERGY","price":0.3,"step_size":1e20}"""), ["step_size"]),
            (T("""{"type":"EVIL","price":0.3,"step_size":1}"""), ["type"]),
            (T("""{"type":"ENERGY","price":0.3}"""), ["step_size"]),
            (T(Energy, ",\"type\":\"EVIL\""), ["EVIL"]),
            (T(Energy, ",\"currency\":\"USD\""), ["currency"]),
            (T(Energy).Replace("\"EUR\"", "\"XXX\""), ["currency"]),
            (T(Energy, ",\"time_zone\":\"europe/berlin\""), ["Europe/Berlin"]),
            (T(Energy, ",\"time_zone\":\"utc\""), ["UTC"]),
            (T(Energy, ",\"time_zone\":\"Mars/Olympus\""), ["time_zone"]),
            (T(Energy, ",\"time_zone\":\"W. Europe Standard Time\""), ["time_zone"]),
            (T(Energy, ",\"evil_field\":1"), ["evil_field"]),
            (T(Energy, ",\"min_price\":{\"excl_vat\":1e30}"), ["min_price"]),
            (T(Energy, ",\"max_price\":{\"excl_vat\":-1}"), ["max_price"]),
            (T(Energy, ",\"min_price\":{\"excl_vat\":5},\"max_price\":{\"excl_vat\":1}"), ["min_price"]),
            (T(Energy, ",\"start_date_time\":\"x\""), ["start_date_time"]),
            ($$"""{"id":"{{a.TariffId}}","currency":"EUR","elements":[]}""", ["elements"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"min_kwh":1e30}}]}""", ["min_kwh"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"max_duration":-5}}]}""", ["max_duration"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"max_duration":1e12}}]}""", ["max_duration"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","time_zone":"UTC","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"start_time":"25:00"}}]}""", ["start_time"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","time_zone":"UTC","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"day_of_week":["FUNDAY"]}}]}""", ["day_of_week"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"start_time":"08:00"}}]}""", ["time_zone"]),
            ($$$"""{"id":"{{{a.TariffId}}}","currency":"EUR","elements":[{"price_components":[{{{Energy}}}],"restrictions":{"min_power":5,"max_power":1}}]}""", ["min_power"]),
            ("""{"id":"other","currency":"EUR" """, ["line", "position", "valid"]),
            ("[]", ["object", "valid", "tariff"]),
        })
        {
            yield return new("PUT", tariff, body, "operator", names);
        }

        yield return new("PUT", tariff, ValidTariff(a.TariffId), "driver", "may not call");
        yield return new("PUT", $"/v1/tariffs/{a.TariffId}?timeZone=europe/berlin", ValidTariff(a.TariffId), "operator", "Europe/Berlin");

        // Sites.
        var site = $"/v1/sites/{a.SiteId}";
        foreach (var zone in new[] { "europe/berlin", "utc", "Mars/Base", "", "W. Europe Standard Time", new string('Z', 100), "Europe/Berlin\u0000" })
        {
            yield return new("PUT", site, $$"""{"name":"Depot","timeZone":"{{zone.Replace("\0", "\\u0000")}}"}""", "operator", "time_zone");
        }

        yield return new("PUT", site, """{"name":"Depot","timeZone":"Europe/Berlin","evil":1}""", "operator", "evil");
        yield return new("PUT", "/v1/sites/bad%20id", """{"name":"Depot","timeZone":"Europe/Berlin"}""", "operator", "site_id");
        // Enumerations: one name each, never a list or number read as flags (Monday | Tuesday is Wednesday).
        foreach (var days in new[] { "\"Monday, Tuesday\"", "[\"Monday, Tuesday\"]", "[\"3\"]", "[\"MONDAY|TUESDAY\"]" })
        {
            yield return new("PUT", $"{site}/limits", $$"""{"gridLimitKw":50,"timeOfDay":[{"start":"17:00","end":"21:00","limitKw":20,"days":{{days}}}]}""", "operator", "days");
        }

        foreach (var fleetStatus in new[] { "CHARGING,FAULTED", "CHARGING, FAULTED", "2", "-1" })
        {
            yield return new("GET", $"/v1/chargers?status={Uri.EscapeDataString(fleetStatus)}", null, "operator", "status");
        }

        yield return new("POST", $"/v1/chargers/{a.ChargerId}/site", $$"""{"siteId":"no-such-site-{{Guid.NewGuid():N}}"}""", "operator", "does not exist");
        // One rule for free text: no control characters, no bidirectional overrides (they change how an export reads).
        foreach (var text in new[] { "evil\\u202Etxt.exe", "line\\nbreak", "bell\\u0007", "iso\\u2066late" })
        {
            yield return new("PUT", $"/v1/tokens/MX-LABEL-{Guid.NewGuid():N}"[..30], $$"""{"status":"ACCEPTED","label":"{{text}}"}""", "operator", "label");
            yield return new("POST", $"/v1/sessions/{a.SessionId}:stop", $$"""{"meterStopWh":20000,"timestamp":"{{Iso(Now)}}","reason":"{{text}}"}""", "charger", "reason");
            yield return new("PUT", $"/v1/sites/{a.SiteId}", $$"""{"name":"{{text}}","timeZone":"Europe/Berlin"}""", "operator", "name");
        }

        // One field in two spellings in one body is a key given twice; a month with a line break is no month.
        yield return new("PUT", $"{site}/limits", """{"gridLimitKw":50,"grid_limit_kw":500}""", "operator", "given twice");
        yield return new("POST", $"/v1/chargers/{a.ChargerId}/meter-values", $$"""{"sessionId":"{{a.SessionId}}","session_id":"{{a.SessionId}}","readings":[]}""", "charger", "given twice");
        yield return new("GET", "/v1/invoices?idTag=MX-TAG&month=2026-01%0A", null, "operator", "month");
        yield return new("POST", "/v1/billing-periods/2026-01%0A:close", "{}", "operator", "period");

        // The month's invoice list: paging out of range, a token it never gave out, two accounts at once.
        yield return new("GET", "/v1/invoices?month=2026-01&pageSize=501", null, "operator", "page_size");
        yield return new("GET", "/v1/invoices?month=2026-01&pageSize=-1", null, "operator", "page_size");
        yield return new("GET", "/v1/invoices?month=2026-01&pageToken=%25%25not-base64", null, "operator", "page_token");
        yield return new("GET", "/v1/invoices?month=2026-01&idTag=MX-TAG&customerId=C1", null, "operator", "at most one of customer_id and id_tag");
        yield return new("GET", "/v1/invoices?month=2026", null, "operator", "month");

        // Estimates, reports, exports, billing, listing: queries with values out of range.
        foreach (var (body, names) in new (string, string[])[]
        {
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":-1,"chargingSeconds":3600}""", ["energy_kwh must be a finite number of kWh"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":1e30,"chargingSeconds":3600}""", ["energy_kwh"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":200000,"chargingSeconds":3600}""", ["energy_kwh"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":10,"chargingSeconds":0}""", ["charging_seconds"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":10,"chargingSeconds":"9223372036854775807"}""", ["charging_seconds"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":10,"chargingSeconds":3600,"parkingSeconds":-1}""", ["parking_seconds"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":10,"chargingSeconds":3600,"currentA":1e9}""", ["current_a"]),
            ($$"""{"tariffId":"{{a.TariffId}}","energyKwh":10,"chargingSeconds":3600,"plannedStart":"9999-12-31T00:00:00Z"}""", ["planned_start"]),
            ("""{"energyKwh":10,"chargingSeconds":3600}""", ["tariff_id"]),
            ($$"""{"tariffId":"{{a.TariffId}}","chargerId":"{{a.ChargerId}}","energyKwh":10,"chargingSeconds":3600}""", ["tariff_id"]),
        })
        {
            yield return new("POST", "/v1/cost-estimates", body, "operator", names);
        }

        foreach (var (query, names) in new (string, string[])[]
        {
            ("scope=network&from=0001-01-01&to=0001-01-02", ["from"]), ("scope=network&from=9999-12-30&to=9999-12-31", ["from"]),
            ("scope=network&from=2026-13-01&to=2026-13-02", ["from"]), ("scope=network&from=x&to=y", ["from"]),
            ("scope=network&from=2024-01-01&to=2026-01-01", ["366"]), ("scope=network&from=2026-02-01&to=2026-01-01", ["from"]),
            ("scope=EVIL&from=2026-01-01&to=2026-01-02", ["scope"]), ("scope=site&from=2026-01-01&to=2026-01-02", ["id"]),
            ("scope=network&from=2026-01-01&to=2026-01-02&evil=1", ["evil"]),
        })
        {
            yield return new("GET", $"/v1/reports/usage?{query}", null, "operator", names);
        }

        foreach (var (query, names) in new (string, string[])[]
        {
            ("from=9999-12-30&to=9999-12-31", ["from"]), ("from=2026-01-01&to=2026-01-02&format=EVIL", ["format"]),
            ("from=2026-01-01&to=2026-01-02&chargerId=bad%20id", ["charger_id"]), ("from=0001-01-01&to=0001-01-01", ["from"]),
        })
        {
            yield return new("GET", $"/v1/cdrs?{query}", null, "operator", names);
        }

        foreach (var (period, names) in new (string, string[])[] { ("9999-12", ["9999-12"]), ("0001-01", ["0001-01"]), ("2026-13", ["period"]), ("abc", ["period"]), ($"{Now:yyyy-MM}", ["month", "ended"]) })
        {
            yield return new("POST", $"/v1/billing-periods/{period}:close", "{}", "operator", names);
        }

        yield return new("GET", "/v1/invoices/NO-SUCH-INVOICE", null, "operator", "NO-SUCH-INVOICE");
        yield return new("POST", "/v1/invoices/NO-SUCH-INVOICE:credit", "{}", "operator", "NO-SUCH-INVOICE");
        foreach (var (query, names) in new (string, string[])[]
        {
            ($"chargerId={a.ChargerId}&pageSize=-1", ["page_size"]), ($"chargerId={a.ChargerId}&pageSize=501", ["page_size"]),
            ($"chargerId={a.ChargerId}&idTag=T", ["at most one"]), ("from=2000-01-01T00:00:00Z", ["31 days"]), ("pageToken=x", ["page_token"]),
            ($"chargerId={a.ChargerId}&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", ["from"]),
            ($"chargerId={a.ChargerId}&from=x", ["from"]), ($"chargerId={a.ChargerId}&from=0001-01-01T00:00:00Z", ["from"]),
        })
        {
            yield return new("GET", $"/v1/sessions?{query}", null, "operator", names);
        }

        yield return new("GET", $"/v1/sessions?chargerId={a.ChargerId}", null, "driver", "operators");
        foreach (var id in new[] { "a~b~c", "bad%20id", new string('s', 200), "~x" })
        {
            yield return new("GET", $"/v1/sessions/{id}", null, "operator", "session_id");
        }

        yield return new("GET", "/v1/sessions/nobody~nothing", null, "operator", "does not exist");
        yield return new("GET", $"/v1/sessions/{a.SessionId}", null, TestSecurity.Bearer(host.Security.Token("driver", "x", ["SOMEONE-ELSE"])), "does not exist or is not visible");

        // Credentials.
        foreach (var (authorization, names) in new (string, string[])[]
        {
            ("none", ["authentication"]), ("Bearer garbage", ["authentication"]), ("Bearer ", ["authentication"]),
            (TestSecurity.Bearer(host.Security.Token("operator", "x", [], lifetime: TimeSpan.FromSeconds(-600))), ["authentication"]),
            (TestSecurity.Bearer(host.Security.Token("charger", a.ChargerId, [])), ["operator or driver"]),
            (TestSecurity.Bearer(host.Security.Token("admin", "x", [])), ["operator or driver"]),
            (TestSecurity.Bearer(host.Security.Token("operator", "x", [], key: Convert.ToBase64String(new byte[32]))), ["authentication"]),
            (TestSecurity.Basic(a.ChargerId, "wrong-secret-000000"), ["wrong secret"]),
            (TestSecurity.Basic("unknown-charger", "whatever-secret-0000"), ["wrong secret"]),
            ("Basic !!!", ["base64"]),
            ($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon"))}", ["chargerId:secret"]),
        })
        {
            yield return new("GET", $"/v1/sessions/{a.SessionId}", null, authorization, names);
        }

        yield return new("GET", "/v1/sites", null, "driver", "may not call");
        yield return new("GET", "/v1/reports/usage?scope=network&from=2026-01-01&to=2026-01-02", null, "driver", "may not call");
        yield return new("GET", "/v1/no-such-thing", null, "operator", "no-such-thing");
        yield return new("DELETE", $"/v1/sessions/{a.SessionId}", null, "operator", "DELETE");
        yield return new("POST", start, "{}", "operator", "may not call");
    }

    private IEnumerable<GrpcCase> GrpcCases(Accepted a)
    {
        var charger = TestSecurity.Header(a.ChargerAuth);
        var op = TestSecurity.Header(TestSecurity.Bearer(host.Security.OperatorToken));
        var driver = TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "mx-driver", ["MX-TAG"])));
        var station = new StationService.StationServiceClient(host.RawChannel);
        var sessions = new SessionService.SessionServiceClient(host.RawChannel);
        var chargers = new ChargerService.ChargerServiceClient(host.RawChannel);
        var sites = new SiteService.SiteServiceClient(host.RawChannel);
        var tariffs = new TariffService.TariffServiceClient(host.RawChannel);
        var ts = Timestamp.FromDateTime(Now.AddMinutes(-1));

        // IDs of dots only: REST clients resolve them away as path segments, so gRPC must not create them either.
        foreach (var id in new[] { ".", "..", "..." })
        {
            yield return new($"register charger '{id}'", () => chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = id, ConnectorCount = 1 }, op).ResponseAsync, "charger_id", "not addressable");
            yield return new($"put site '{id}'", () => sites.PutSiteAsync(new PutSiteRequest { SiteId = id, Name = "Depot", TimeZone = "UTC" }, op).ResponseAsync, "site_id", "not addressable");
        }

        StartSessionRequest Start(Action<StartSessionRequest> change)
        {
            var r = new StartSessionRequest { ChargerId = a.ChargerId, ConnectorId = 2, IdTag = "T", MeterStartWh = 0, Timestamp = ts };
            change(r);
            return r;
        }

        foreach (var (name, change, names) in new (string, Action<StartSessionRequest>, string[])[]
        {
            ("connector -1", r => r.ConnectorId = -1, ["connector_id"]), ("connector 0", r => r.ConnectorId = 0, ["connector_id"]),
            ("connector 1001", r => r.ConnectorId = 1001, ["connector_id"]), ("connector max", r => r.ConnectorId = int.MaxValue, ["connector_id"]),
            ("connector 11 of 10", r => r.ConnectorId = 11, ["connector"]),
            ("id_tag empty", r => r.IdTag = "", ["id_tag"]), ("id_tag long", r => r.IdTag = new string('a', 65), ["id_tag"]),
            ("id_tag space", r => r.IdTag = "a b", ["id_tag"]), ("id_tag unicode", r => r.IdTag = "täg", ["id_tag"]),
            ("meter absent", r => r.ClearMeterStartWh(), ["meter_start_wh"]), ("meter NaN", r => r.MeterStartWh = double.NaN, ["meter_start_wh"]),
            ("meter +inf", r => r.MeterStartWh = double.PositiveInfinity, ["meter_start_wh"]), ("meter -1", r => r.MeterStartWh = -1, ["meter_start_wh"]),
            ("meter max", r => r.MeterStartWh = double.MaxValue, ["meter_start_wh"]), ("meter 1e13", r => r.MeterStartWh = 1e13, ["meter_start_wh"]),
            ("timestamp absent", r => r.Timestamp = null, ["timestamp"]),
            ("timestamp 1999", r => r.Timestamp = Timestamp.FromDateTime(new DateTime(1999, 1, 1, 0, 0, 0, DateTimeKind.Utc)), ["timestamp"]),
            ("timestamp 9999", r => r.Timestamp = Timestamp.FromDateTime(new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc)), ["timestamp"]),
            ("timestamp future", r => r.Timestamp = Timestamp.FromDateTime(Now.AddHours(1)), ["timestamp"]),
            ("timestamp invalid", r => r.Timestamp = new Timestamp { Seconds = long.MaxValue }, ["timestamp"]),
            ("timestamp nanos", r => r.Timestamp = new Timestamp { Seconds = 1, Nanos = -5 }, ["timestamp"]),
            ("session other namespace", r => r.SessionId = $"{a.OcppCp}~{a.Tx}", ["session"]),
            ("session two separators", r => r.SessionId = "a~b~c", ["session_id"]), ("session long", r => r.SessionId = new string('s', 65), ["session_id"]),
            ("session bad chars", r => r.SessionId = "s/1", ["session_id"]),
            ("charger other", r => r.ChargerId = a.OcppCp, [a.OcppCp]), ("charger empty", r => r.ChargerId = "", ["charger_id"]),
        })
        {
            yield return new($"StartSession {name}", () => station.StartSessionAsync(Start(change), charger).ResponseAsync, names);
        }

        yield return new("StartSession as operator", () => station.StartSessionAsync(Start(_ => { }), op).ResponseAsync, ["may not call"]);
        yield return new("StartSession anonymous", () => station.StartSessionAsync(Start(_ => { })).ResponseAsync, ["authentication required"]);

        ReportMeterValuesRequest Readings(Action<Api.V1.MeterReading> change, string? session = null)
        {
            var reading = new Api.V1.MeterReading { Timestamp = Timestamp.FromDateTime(Now.AddMinutes(-10)), EnergyWh = 12_500 };
            change(reading);
            return new ReportMeterValuesRequest { ChargerId = a.ChargerId, SessionId = session ?? a.SessionId, Readings = { reading } };
        }

        foreach (var (name, change, names) in new (string, Action<Api.V1.MeterReading>, string[])[]
        {
            ("energy absent", r => r.ClearEnergyWh(), ["energy_wh"]), ("energy NaN", r => r.EnergyWh = double.NaN, ["energy_wh"]),
            ("energy -inf", r => r.EnergyWh = double.NegativeInfinity, ["energy_wh"]), ("energy -1", r => r.EnergyWh = -1, ["energy_wh"]),
            ("energy max", r => r.EnergyWh = double.MaxValue, ["energy_wh"]),
            ("power NaN", r => r.PowerW = double.NaN, ["power_w"]), ("power huge", r => r.PowerW = 1e15, ["power_w"]), ("power -1e15", r => r.PowerW = -1e15, ["power_w"]),
            ("current huge", r => r.CurrentA = 1e6, ["current_a"]), ("current NaN", r => r.CurrentA = double.NaN, ["current_a"]),
            ("soc 101", r => r.SocPercent = 101, ["soc_percent"]), ("soc -0.1", r => r.SocPercent = -0.1, ["soc_percent"]),
            ("timestamp absent", r => r.Timestamp = null, ["timestamp"]),
            ("timestamp future", r => r.Timestamp = Timestamp.FromDateTime(Now.AddHours(3)), ["timestamp"]),
            ("timestamp 1970", r => r.Timestamp = new Timestamp { Seconds = 0 }, ["timestamp"]),
        })
        {
            yield return new($"ReportMeterValues {name}", () => station.ReportMeterValuesAsync(Readings(change), charger).ResponseAsync, names);
        }

        yield return new("ReportMeterValues no readings", () => station.ReportMeterValuesAsync(new ReportMeterValuesRequest { ChargerId = a.ChargerId, SessionId = a.SessionId }, charger).ResponseAsync, ["readings"]);
        yield return new("ReportMeterValues others' session", () => station.ReportMeterValuesAsync(Readings(_ => { }, $"{a.OcppCp}~{a.Tx}"), charger).ResponseAsync, ["session"]);
        yield return new("ReportMeterValues unknown session", () => station.ReportMeterValuesAsync(Readings(_ => { }, "nothing"), charger).ResponseAsync, ["nothing"]);
        yield return new("ReportMeterValues as driver", () => station.ReportMeterValuesAsync(Readings(_ => { }), driver).ResponseAsync, ["may not call"]);

        StopSessionRequest Stop(Action<StopSessionRequest> change)
        {
            var r = new StopSessionRequest { ChargerId = a.ChargerId, SessionId = a.SessionId, MeterStopWh = 13_000, Timestamp = Timestamp.FromDateTime(Now.AddMinutes(-5)) };
            change(r);
            return r;
        }

        foreach (var (name, change, names) in new (string, Action<StopSessionRequest>, string[])[]
        {
            ("meter absent", r => r.ClearMeterStopWh(), ["meter_stop_wh"]), ("meter NaN", r => r.MeterStopWh = double.NaN, ["meter_stop_wh"]),
            ("meter -1", r => r.MeterStopWh = -1, ["meter_stop_wh"]), ("meter max", r => r.MeterStopWh = double.MaxValue, ["meter_stop_wh"]),
            ("timestamp absent", r => r.Timestamp = null, ["timestamp"]), ("timestamp future", r => r.Timestamp = Timestamp.FromDateTime(Now.AddDays(1)), ["timestamp"]),
            ("reason long", r => r.Reason = new string('r', 65), ["reason"]), ("session empty", r => r.SessionId = "", ["session_id"]),
            ("session other's", r => r.SessionId = $"{a.OcppCp}~{a.Tx}", ["session"]),
        })
        {
            yield return new($"StopSession {name}", () => station.StopSessionAsync(Stop(change), charger).ResponseAsync, names);
        }

        yield return new("StopSession as driver", () => station.StopSessionAsync(Stop(r => r.MeterStopWh = 0), driver).ResponseAsync, ["may not call"]);
        yield return new("StopSession as operator", () => station.StopSessionAsync(Stop(r => r.MeterStopWh = 0), op).ResponseAsync, ["may not call"]);
        yield return new("ReportStatus unspecified", () => station.ReportStatusAsync(new ReportStatusRequest { ChargerId = a.ChargerId, ConnectorId = 1, Timestamp = ts }, charger).ResponseAsync, ["status"]);
        yield return new("ReportStatus 99", () => station.ReportStatusAsync(new ReportStatusRequest { ChargerId = a.ChargerId, ConnectorId = 1, Status = (ConnectorStatus)99, Timestamp = ts }, charger).ResponseAsync, ["status"]);
        yield return new("ReportStatus connector -5", () => station.ReportStatusAsync(new ReportStatusRequest { ChargerId = a.ChargerId, ConnectorId = -5, Status = ConnectorStatus.Faulted, Timestamp = ts }, charger).ResponseAsync, ["connector_id"]);
        yield return new("Heartbeat future", () => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = a.ChargerId, Timestamp = Timestamp.FromDateTime(Now.AddDays(2)) }, charger).ResponseAsync, ["timestamp"]);
        yield return new("RegisterCharger count 0", () => chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = a.ChargerId, ConnectorCount = 0 }, op).ResponseAsync, ["connector_count"]);
        yield return new("RegisterCharger power NaN", () => chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = a.ChargerId, ConnectorCount = 2, MaxPowerW = double.NaN }, op).ResponseAsync, ["max_power_w"]);
        yield return new("RegisterCharger power +inf", () => chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = a.ChargerId, ConnectorCount = 2, MaxPowerW = double.PositiveInfinity }, op).ResponseAsync, ["max_power_w"]);
        yield return new("PutSite zone", () => sites.PutSiteAsync(new PutSiteRequest { SiteId = a.SiteId, Name = "x", TimeZone = "europe/berlin" }, op).ResponseAsync, ["Europe/Berlin"]);
        yield return new("EstimateCost NaN", () => tariffs.EstimateCostAsync(new EstimateCostRequest { TariffId = a.TariffId, EnergyKwh = double.NaN, ChargingSeconds = 60 }, op).ResponseAsync, ["energy_kwh"]);
        yield return new("EstimateCost seconds max", () => tariffs.EstimateCostAsync(new EstimateCostRequest { TariffId = a.TariffId, EnergyKwh = 1, ChargingSeconds = long.MaxValue }, op).ResponseAsync, ["charging_seconds"]);
        yield return new("GetSession separators", () => sessions.GetSessionAsync(new GetSessionRequest { SessionId = "a~~b" }, op).ResponseAsync, ["session_id"]);
        yield return new("GetSession empty", () => sessions.GetSessionAsync(new GetSessionRequest(), op).ResponseAsync, ["session_id"]);
        yield return new("ListSessions page", () => sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = a.ChargerId, PageSize = int.MaxValue }, op).ResponseAsync, ["page_size"]);
        yield return new("ListSessions from max", () => sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = a.ChargerId, From = new Timestamp { Seconds = long.MaxValue } }, op).ResponseAsync, ["from"]);
        yield return new("RequestStop unknown", () => sessions.RequestStopAsync(new RequestStopRequest { SessionId = "none~none" }, op).ResponseAsync, ["none~none"]);
        yield return new("ForceClose as driver", () => sessions.ForceCloseSessionAsync(new ForceCloseSessionRequest { SessionId = a.SessionId }, driver).ResponseAsync, ["may not call"]);
        yield return new("ForceClose unknown", () => sessions.ForceCloseSessionAsync(new ForceCloseSessionRequest { SessionId = "none~none" }, op).ResponseAsync, ["none~none"]);
    }

    private static IEnumerable<OcppCase> OcppCases(Accepted a)
    {
        var ts = Iso(Now.AddMinutes(-1));
        string Call(string action, string payload) => $"[2,\"x{Guid.NewGuid():N}\"[..10],\"{action}\",{payload}]".Replace("\"[..10]", "\"");

        foreach (var (frame, names) in new (string, string[])[]
        {
            ("not json", ["malformed"]), ("{}", ["array"]), ("[]", ["message ID"]), ("[2]", ["message ID"]), ("""[2,1,"Heartbeat",{}]""", ["message ID"]),
            ("""[2,"","Heartbeat",{}]""", ["message ID"]), ($$"""[2,"{{new string('i', 37)}}","Heartbeat",{}]""", ["message ID"]),
            ("""[9,"m","Heartbeat",{}]""", ["message type"]), ("""["2","m","Heartbeat",{}]""", ["message type"]), ("""[2,"m",5,{}]""", ["CALL is"]),
            ("""[2,"m","Heartbeat"]""", ["CALL is"]), ("""[2,"m","Heartbeat",{},5]""", ["CALL is"]), ("""[2,"m","Heartbeat",[]]""", ["object"]),
            ("""[2,"m","Heartbeat","s"]""", ["object"]), ("""[2,"m","Evil",{}]""", ["Evil"]), ("""[2,"m","Heartbeat",{"a":1,"a":2}]""", ["'a'"]),
            ($"[2,\"m\",\"Heartbeat\",{new string('[', 40)}{new string(']', 40)}]", ["depth", "malformed"]), ("""[2,"m","Heartbeat",{}""", ["malformed"]),
        })
        {
            yield return new(frame, names);
        }

        string StartTx(string connector = "2", string idTag = "\"T\"", string meter = "0", string timestamp = "") =>
            Call("StartTransaction", $$"""{"connectorId":{{connector}},"idTag":{{idTag}},"meterStart":{{meter}},"timestamp":{{(timestamp.Length == 0 ? $"\"{ts}\"" : timestamp)}}}""");
        foreach (var v in new[] { "0", "-1", "1001", "1e20", "\"1\"", "1.5", "null" })
        {
            yield return new(StartTx(connector: v), "connectorId");
        }

        foreach (var v in new[] { "\"\"", $"\"{new string('t', 21)}\"", "5", "null", "[]" })
        {
            yield return new(StartTx(idTag: v), "idTag");
        }

        foreach (var v in new[] { "-1", "1e25", "10000000000000", "1.5", "\"5\"", "null", "9223372036854775808" })
        {
            yield return new(StartTx(meter: v), "meterStart");
        }

        foreach (var v in new[] { "\"x\"", $"\"{Iso(Now.AddHours(2))}\"", "\"1999-01-01T00:00:00Z\"", "5", "null", "\"9999-12-31T23:59:59Z\"" })
        {
            yield return new(StartTx(timestamp: v), "timestamp");
        }

        yield return new(Call("StartTransaction", $$"""{"connectorId":2,"idTag":"T","meterStart":0}"""), "timestamp");
        yield return new(Call("StartTransaction", $$"""{"connectorId":2,"idTag":"T","meterStart":0,"timestamp":"{{ts}}","evil":1}"""), "evil", "additional");
        yield return new(Call("StartTransaction", $$"""{"connectorId":2,"idTag":"T","meterStart":0,"meterStart":1,"timestamp":"{{ts}}"}"""), "'meterStart'");

        string Mv(string sample, string timestamp = "", string tx = "") =>
            Call("MeterValues", $$"""{"connectorId":1,"transactionId":{{(tx.Length == 0 ? a.Tx.ToString() : tx)}},"meterValue":[{"timestamp":{{(timestamp.Length == 0 ? $"\"{Iso(Now.AddMinutes(-10))}\"" : timestamp)}},"sampledValue":[{{sample}}]}]}""");
        foreach (var (sample, names) in new (string, string[])[]
        {
            ("""{"value":"abc"}""", ["value"]), ("""{"value":"1e25"}""", ["value"]), ("""{"value":"-5"}""", ["value"]), ("""{"value":"1e400"}""", ["value"]),
            ("""{"value":5}""", ["value"]), ("""{}""", ["value"]), ("""{"value":"10","unit":"MWh"}""", ["unit"]),
            ("""{"value":"10","measurand":"EVIL"}""", ["measurand"]), ("""{"value":"10","unit":"kW"}""", ["unit"]),
            ("""{"value":"1e12","measurand":"Power.Active.Import"}""", ["value"]), ("""{"value":"1e9","measurand":"Current.Import"}""", ["value"]),
            // The readings' one rule set: a state of charge outside 0..100 is refused here as over gRPC, not clamped.
            ("""{"value":"101","measurand":"SoC","unit":"Percent"}""", ["state of charge"]), ("""{"value":"-3","measurand":"SoC","unit":"Percent"}""", ["state of charge"]),
            ("""{"value":"NaN"}""", ["value"]), ("""{"value":"Infinity"}""", ["value"]), ("""{"value":"10","context":"EVIL"}""", ["context"]),
            ("""{"value":"10","phase":"L9"}""", ["phase"]), ("""{"value":"10","location":"Moon"}""", ["location"]), ("""{"value":"10","format":"EVIL"}""", ["format"]),
        })
        {
            yield return new(Mv(sample), names);
        }

        foreach (var v in new[] { "\"x\"", $"\"{Iso(Now.AddHours(2))}\"", "\"1999-01-01T00:00:00Z\"", "5" })
        {
            yield return new(Mv("""{"value":"1600"}""", timestamp: v), "timestamp");
        }

        // A date-time without a zone is no instant (OCPP requires Z or an offset); it was read as UTC.
        yield return new(Mv("""{"value":"1600"}""", timestamp: $"\"{Now.AddMinutes(-10):yyyy-MM-ddTHH:mm:ss}\""), "no time zone");
        yield return new(StartTx(timestamp: $"\"{Now.AddMinutes(-1):yyyy-MM-ddTHH:mm:ss.fff}\""), "no time zone");
        // Registers a decimal cannot scale (kWh to Wh) are refused, never an internal error.
        foreach (var v in new[] { "1e26", "79228162514264337593543950335" })
        {
            yield return new(Mv($$"""{"value":"{{v}}","unit":"kWh"}"""), "value");
        }

        // An unpaired UTF-16 surrogate in any string (a value, a key, an idTag) is not text.
        yield return new(Mv("""{"value":"16\ud800"}"""), "surrogate");
        yield return new(Call("Authorize", """{"idTag":"T\udc00"}"""), "surrogate");
        yield return new(Call("StartTransaction", $$"""{"connectorId":2,"idTag":"T","meterStart":0,"timestamp":"{{ts}}","\ud800":1}"""), "surrogate");
        // One limit on readings in one message for every transport.
        yield return new(Call("MeterValues", $$"""{"connectorId":1,"transactionId":{{a.Tx}},"meterValue":[{{string.Join(",", Enumerable.Range(0, 1001).Select(i => $$"""{"timestamp":"{{Iso(Now.AddMinutes(-20).AddSeconds(i))}}","sampledValue":[{"value":"{{1000 + i}}"}]}"""))}}]}"""), "at most 1000");

        foreach (var v in new[] { "1e20", "\"x\"", "1.5" })
        {
            yield return new(Mv("""{"value":"1600"}""", tx: v), "transactionId");
        }

        yield return new(Call("MeterValues", $$"""{"connectorId":1,"transactionId":{{a.Tx}},"meterValue":[]}"""), "meterValue");
        yield return new(Call("MeterValues", $$"""{"connectorId":1,"transactionId":{{a.Tx}}}"""), "meterValue");
        yield return new(Call("MeterValues", $$"""{"connectorId":-1,"transactionId":{{a.Tx}},"meterValue":[{"timestamp":"{{ts}}","sampledValue":[{"value":"1"}]}]}"""), "connectorId");
        yield return new(Call("MeterValues", $$"""{"connectorId":1,"transactionId":{{a.Tx}},"meterValue":[{"timestamp":"{{ts}}","sampledValue":[]}]}"""), "sampledValue");

        string StopTx(string tx = "", string meter = "5000", string timestamp = "", string extra = "") =>
            Call("StopTransaction", $$"""{"transactionId":{{(tx.Length == 0 ? a.Tx.ToString() : tx)}},"meterStop":{{meter}},"timestamp":{{(timestamp.Length == 0 ? $"\"{Iso(Now.AddMinutes(-2))}\"" : timestamp)}}{{extra}}}""");
        foreach (var v in new[] { "\"x\"", "1e20", "1.5", "null" })
        {
            yield return new(StopTx(tx: v), "transactionId");
        }

        foreach (var v in new[] { "-1", "1e25", "10000000000000", "1.5", "\"5\"", "null" })
        {
            yield return new(StopTx(meter: v), "meterStop");
        }

        foreach (var v in new[] { "\"x\"", $"\"{Iso(Now.AddHours(2))}\"", "\"1999-01-01T00:00:00Z\"", "null" })
        {
            yield return new(StopTx(timestamp: v), "timestamp");
        }

        yield return new(StopTx(extra: ",\"reason\":\"EVIL\""), "reason");
        yield return new(StopTx(extra: ",\"idTag\":\"" + new string('t', 21) + "\""), "idTag");
        // (A bad transactionData sample no longer refuses the stop: OcppTests has the stop applied without it.)
        yield return new(StopTx(extra: ",\"meterStop\":1"), "'meterStop'");

        foreach (var (payload, names) in new (string, string[])[]
        {
            ("""{"connectorId":-1,"errorCode":"NoError","status":"Available"}""", ["connectorId"]),
            ("""{"connectorId":10000000000,"errorCode":"NoError","status":"Available"}""", ["connectorId"]),
            ("""{"connectorId":1,"errorCode":"EVIL","status":"Available"}""", ["errorCode"]),
            ("""{"connectorId":1,"errorCode":"NoError","status":"EVIL"}""", ["status"]),
            ("""{"connectorId":1,"errorCode":"NoError"}""", ["status"]),
            ($$"""{"connectorId":1,"errorCode":"NoError","status":"Available","info":"{{new string('i', 51)}}"}""", ["info"]),
            ("""{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"x"}""", ["timestamp"]),
            ($$"""{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"{{Iso(Now.AddDays(1))}}"}""", ["timestamp"]),
        })
        {
            yield return new(Call("StatusNotification", payload), names);
        }

        yield return new(Call("Authorize", $$"""{"idTag":"{{new string('t', 21)}}"}"""), "idTag");
        yield return new(Call("Authorize", "{}"), "idTag");
        yield return new(Call("Authorize", """{"idTag":5}"""), "idTag");
        yield return new(Call("BootNotification", $$"""{"chargePointVendor":"{{new string('v', 21)}}","chargePointModel":"M"}"""), "chargePointVendor");
        yield return new(Call("BootNotification", """{"chargePointModel":"M"}"""), "chargePointVendor");
        yield return new(Call("DataTransfer", "{}"), "vendorId");
        yield return new(Call("DataTransfer", $$"""{"vendorId":"{{new string('v', 256)}}"}"""), "vendorId");
    }
}
