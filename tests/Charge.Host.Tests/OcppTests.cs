using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

using Charge.Tests;

namespace Charge.Host.Tests;

/// <summary>A plain ClientWebSocket plays OCPP 1.6J charge points against the real host.</summary>
public sealed class OcppTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-1);

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    private Task<OcppClient> Connect(string chargePointId) => host.ConnectOcpp(chargePointId);

    private static JsonObject Sample(string value, string? measurand = null, string? unit = null, string? phase = null)
    {
        var sv = new JsonObject { ["value"] = value };
        if (measurand is not null) sv["measurand"] = measurand;
        if (unit is not null) sv["unit"] = unit;
        if (phase is not null) sv["phase"] = phase;
        return sv;
    }

    private static JsonObject MeterValue(double minutes, params JsonObject[] samples) =>
        new() { ["timestamp"] = At(minutes), ["sampledValue"] = new JsonArray(samples) };

    private static async Task<int> Start(OcppClient cp, int meterStart = 1000, string idTag = "RFID-1")
    {
        var reply = await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = idTag, ["meterStart"] = meterStart, ["timestamp"] = At(0) });
        Assert.Equal(3, reply[0]!.GetValue<int>());
        return reply[2]!["transactionId"]!.GetValue<int>();
    }

    private Task<Session> Eventually(string sessionId, Func<Session, bool> done) =>
        Charge.Tests.Eventually.Get(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }).ResponseAsync, done);

    [Fact]
    public async Task A_negative_power_reads_as_zero_over_ocpp_and_grpc_alike()
    {
        // One rule set for readings (ReadingRules): a meter's export or noise below zero is no refusal on any transport.
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client);
        var meter = await client.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(MeterValue(10, Sample("1200"), Sample("-0.4", "Power.Active.Import", "kW"), Sample("-1", "Current.Import", "A"))),
        });
        var overOcpp = await Eventually($"{cp}~{tx}", s => s.ReadingCount == 1);
        var station = TestIds.New("GRPC");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), station);
        var driver = new global::Charge.Tests.StationDriver(host.Channel);
        var started = await driver.Start(station, "RFID-1", 1000, DateTime.Parse(At(0), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime());
        await driver.Report(station, started.SessionId, DateTime.Parse(At(10), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(), 1200, powerW: -400);
        var overGrpc = await Eventually(started.SessionId, s => s.ReadingCount == 1);

        Assert.Equal(3, meter[0]!.GetValue<int>());
        Assert.Equal((0.0, 0.0), (overOcpp.LastPowerW, overOcpp.LastCurrentA));
        Assert.Equal(0.0, overGrpc.LastPowerW);
        Assert.Equal(overOcpp.EnergyWh, overGrpc.EnergyWh);
    }

    [Fact]
    public async Task A_whole_session_over_ocpp_is_counted_from_the_energy_register()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);

        var boot = await client.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        var status = await client.Call("StatusNotification", new JsonObject { ["connectorId"] = 1, ["errorCode"] = "NoError", ["status"] = "Preparing" });
        var auth = await client.Call("Authorize", new JsonObject { ["idTag"] = "RFID-1" });
        var tx = await Start(client);
        var meter = await client.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1,
            ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(MeterValue(10,
                Sample("1.750", "Energy.Active.Import.Register", "kWh"),
                Sample("7.2", "Power.Active.Import", "kW"),
                Sample("10.5", "Current.Import", "A", "L1"), Sample("10.5", "Current.Import", "A", "L2"), Sample("10", "Current.Import", "A", "L3"),
                Sample("64", "SoC", "Percent"))),
        });
        var stop = await client.Call("StopTransaction", new JsonObject
        {
            ["transactionId"] = tx, ["meterStop"] = 2500, ["timestamp"] = At(20), ["idTag"] = "RFID-1", ["reason"] = "EVDisconnected",
            ["transactionData"] = new JsonArray(MeterValue(15, Sample("2200"))),
        });
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        Assert.Equal("Accepted", boot[2]!["status"]!.GetValue<string>());
        Assert.Equal(300, boot[2]!["interval"]!.GetValue<int>());
        Assert.Equal(3, status[0]!.GetValue<int>());
        Assert.Equal("Accepted", auth[2]!["idTagInfo"]!["status"]!.GetValue<string>());
        Assert.Equal(3, meter[0]!.GetValue<int>());
        Assert.Equal("Accepted", stop[2]!["idTagInfo"]!["status"]!.GetValue<string>());
        Assert.Equal(1500, session.EnergyWh);
        Assert.Equal(2, session.ReadingCount);
        Assert.Equal(7200, session.LastPowerW);
        Assert.Equal(31, session.LastCurrentA);
        Assert.Equal(64, session.SocPercent);
        Assert.Equal("EVDisconnected", session.StopReason);
        Assert.Equal(0, session.AnomalyCount);
    }

    [Theory]
    [InlineData("this is not json", "FormationViolation")]
    [InlineData("""{"not":"an array"}""", "FormationViolation")]
    [InlineData("""[7,"m1","Heartbeat",{}]""", "ProtocolError")]
    [InlineData("""[2,"m1","Heartbeat"]""", "FormationViolation")]
    [InlineData("""[2,"m1","Teleport",{}]""", "NotImplemented")]
    [InlineData("""[2,"m1","StartTransaction",{"connectorId":"one","idTag":"T","meterStart":1,"timestamp":"2026-01-01T00:00:00Z"}]""", "TypeConstraintViolation")]
    [InlineData("""[2,"m1","StartTransaction",{"connectorId":1,"idTag":"AN-ID-TAG-FAR-TOO-LONG-FOR-OCPP","meterStart":1,"timestamp":"2026-01-01T00:00:00Z"}]""", "PropertyConstraintViolation")]
    [InlineData("""[2,"m1","StartTransaction",{"connectorId":1,"idTag":"T","timestamp":"2026-01-01T00:00:00Z"}]""", "OccurenceConstraintViolation")]
    [InlineData("""[2,"m1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":1,"timestamp":"2026-01-01T00:00:00Z","colour":"red"}]""", "FormationViolation")]
    [InlineData("""[2,"m1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Dancing"}]""", "PropertyConstraintViolation")]
    [InlineData("""[2,"m1","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"lots"}]}]}]""", "PropertyConstraintViolation")]
    public async Task A_bad_message_gets_the_matching_call_error(string frame, string code)
    {
        await using var client = await Connect(TestIds.New("OCPP"));

        var reply = await client.SendRaw(frame);

        Assert.Equal(4, reply[0]!.GetValue<int>());
        Assert.Equal(code, reply[2]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(reply[3]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_messages_change_nothing_already_accepted()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client);
        await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = tx, ["meterValue"] = new JsonArray(MeterValue(5, Sample("1400"))) });
        var before = await Eventually($"{cp}~{tx}", s => s.ReadingCount == 1);

        await client.SendRaw($$"""[2,"bad1","MeterValues",{"connectorId":1,"transactionId":{{tx}},"meterValue":[{"timestamp":"{{At(6)}}","sampledValue":[{"value":"-5"}]}]}]""");
        await client.SendRaw($$"""[2,"bad2","StopTransaction",{"transactionId":{{tx}},"meterStop":"lots","timestamp":"{{At(7)}}"}]""");
        await client.SendRaw("garbage");
        var after = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" });

        Assert.Equal(SessionState.Active, after.State);
        Assert.Equal(before.EnergyWh, after.EnergyWh);
        Assert.Equal(before.ReadingCount, after.ReadingCount);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task A_repeated_stop_transaction_gets_the_same_answer_and_changes_nothing()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client);
        var stop = new JsonObject { ["transactionId"] = tx, ["meterStop"] = 3000, ["timestamp"] = At(30), ["idTag"] = "RFID-1" };

        var first = await client.Call("StopTransaction", stop);
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed && s.Billed);
        var again = await client.Call("StopTransaction", (JsonObject)stop.DeepClone());
        var after = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" });

        Assert.Equal(first[2]!.ToJsonString(), again[2]!.ToJsonString());
        Assert.Equal(2000, after.EnergyWh);
        Assert.Equal(session.Version, after.Version);
    }

    [Fact]
    public async Task A_retried_start_transaction_gets_the_same_transaction_id()
    {
        await using var client = await Connect(TestIds.New("OCPP"));
        var first = await Start(client);
        var again = await Start(client);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Meter_values_for_an_unknown_or_finished_transaction_are_accepted_and_recorded_as_anomalies()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client);
        await client.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 1500, ["timestamp"] = At(10) });
        await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        var late = await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = tx, ["meterValue"] = new JsonArray(MeterValue(11, Sample("1600"))) });
        var unknown = await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = 99999, ["meterValue"] = new JsonArray(MeterValue(11, Sample("1700"))) });
        var session = await Eventually($"{cp}~{tx}", s => s.AnomalyCount == 1);
        var charger = await new ChargerService.ChargerServiceClient(host.Channel).GetChargerAsync(new GetChargerRequest { ChargerId = cp });

        Assert.Equal(3, late[0]!.GetValue<int>());
        Assert.Equal(3, unknown[0]!.GetValue<int>());
        Assert.Equal(500, session.EnergyWh);
        Assert.Equal("AfterSessionStop", Assert.Single(session.Anomalies).Kind);
        Assert.Equal(1, charger.AnomalyCount);
        Assert.Equal("UnknownSession", Assert.Single(charger.Anomalies).Kind);
    }

    [Fact]
    public async Task Queued_meter_values_from_an_offline_charger_arrive_late_and_out_of_order_and_are_placed_in_time()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client);

        // Back online: the queue arrives with old timestamps, newest batch first.
        await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = tx, ["meterValue"] = new JsonArray(MeterValue(40, Sample("5000")), MeterValue(50, Sample("6000"))) });
        await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = tx, ["meterValue"] = new JsonArray(MeterValue(20, Sample("3000"))) });
        var session = await Eventually($"{cp}~{tx}", s => s.ReadingCount == 3);

        Assert.Equal(5000, session.EnergyWh);
        Assert.Equal(0, session.AnomalyCount);
        Assert.Equal(Timestamp.FromDateTime(DateTime.Parse(At(50)).ToUniversalTime()).Seconds, session.LastReadingAt.Seconds);
    }

    [Fact]
    public async Task A_reconnect_of_the_same_charge_point_replaces_the_old_socket()
    {
        var cp = TestIds.New("OCPP");
        await using var first = await Connect(cp);
        await using var second = await Connect(cp);

        var closed = await first.ReceiveClose(TimeSpan.FromSeconds(10));
        var stillServed = await second.Call("Heartbeat", []);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, closed);
        Assert.Equal(3, stillServed[0]!.GetValue<int>());
    }

    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private static JsonObject Status(string status) => new() { ["status"] = status };

    /// <summary>Waits until the gateway has registered the connection with the charger grain.</summary>
    private async Task<OcppClient> ConnectAndBoot(string cp)
    {
        var client = await Connect(cp);
        await client.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        return client;
    }

    [Fact]
    public async Task An_operator_starts_a_session_remotely_and_the_charger_is_asked_over_ocpp()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await ConnectAndBoot(cp);

        var command = Chargers.RemoteStartTransactionAsync(new RemoteStartTransactionRequest { ChargerId = cp, IdTag = "APP-7", ConnectorId = 2 }).ResponseAsync;
        var (action, payload) = await client.AnswerNextCall((_, _) => Status("Accepted"));
        var result = await command;

        Assert.Equal("RemoteStartTransaction", action);
        Assert.Equal("APP-7", payload["idTag"]!.GetValue<string>());
        Assert.Equal(2, payload["connectorId"]!.GetValue<int>());
        Assert.Equal("Accepted", result.Status);
    }

    [Fact]
    public async Task An_operator_stops_an_ocpp_session_by_its_session_id()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await ConnectAndBoot(cp);
        var tx = await Start(client);

        var command = Chargers.RemoteStopTransactionAsync(new RemoteStopTransactionRequest { ChargerId = cp, SessionId = $"{cp}~{tx}" }).ResponseAsync;
        var (action, payload) = await client.AnswerNextCall((_, _) => Status("Accepted"));

        Assert.Equal("Accepted", (await command).Status);
        Assert.Equal("RemoteStopTransaction", action);
        Assert.Equal(tx, payload["transactionId"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reset_change_availability_and_trigger_message_carry_the_chargers_answer()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await ConnectAndBoot(cp);

        var reset = Chargers.ResetAsync(new ResetRequest { ChargerId = cp, Type = "Hard" }).ResponseAsync;
        var (resetAction, resetPayload) = await client.AnswerNextCall((_, _) => Status("Rejected"));
        var availability = Chargers.ChangeAvailabilityAsync(new ChangeAvailabilityRequest { ChargerId = cp, ConnectorId = 0, Type = "Inoperative" }).ResponseAsync;
        var (availabilityAction, availabilityPayload) = await client.AnswerNextCall((_, _) => Status("Scheduled"));
        var trigger = Chargers.TriggerMessageAsync(new TriggerMessageRequest { ChargerId = cp, RequestedMessage = "StatusNotification", ConnectorId = 1 }).ResponseAsync;
        var (triggerAction, triggerPayload) = await client.AnswerNextCall((_, _) => Status("Accepted"));

        Assert.Equal(("Reset", "Hard", "Rejected"), (resetAction, resetPayload["type"]!.GetValue<string>(), (await reset).Status));
        Assert.Equal(("ChangeAvailability", "Inoperative", 0, "Scheduled"),
            (availabilityAction, availabilityPayload["type"]!.GetValue<string>(), availabilityPayload["connectorId"]!.GetValue<int>(), (await availability).Status));
        Assert.Equal(("TriggerMessage", "StatusNotification", "Accepted"), (triggerAction, triggerPayload["requestedMessage"]!.GetValue<string>(), (await trigger).Status));
    }

    [Fact]
    public async Task A_call_error_from_the_charger_is_failed_precondition_with_its_code()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await ConnectAndBoot(cp);

        var command = Chargers.ResetAsync(new ResetRequest { ChargerId = cp, Type = "Soft" }).ResponseAsync;
        await client.AnswerNextCall((_, _) => null);
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => command);

        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("NotSupported", error.Status.Detail);
    }

    [Fact]
    public async Task An_answer_that_breaks_the_ocpp_schema_is_failed_precondition()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await ConnectAndBoot(cp);

        var command = Chargers.ResetAsync(new ResetRequest { ChargerId = cp, Type = "Soft" }).ResponseAsync;
        await client.AnswerNextCall((_, _) => Status("Maybe"));
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => command);

        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("invalid Reset.conf", error.Status.Detail);
    }

    [Fact]
    public async Task A_command_to_a_charger_that_is_not_connected_is_failed_precondition()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Chargers.ResetAsync(new ResetRequest { ChargerId = TestIds.New("OCPP"), Type = "Soft" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("not connected", error.Status.Detail);
    }

    [Fact]
    public async Task A_command_with_a_bad_field_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Chargers.ResetAsync(new ResetRequest { ChargerId = TestIds.New("OCPP"), Type = "Gentle" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("type", error.Status.Detail);
    }

    [Fact]
    public async Task A_16_chargers_configuration_is_its_device_model()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var chargers = new ChargerService.ChargerServiceClient(host.Channel);

        var asking = chargers.RequestDeviceReportAsync(new RequestDeviceReportRequest { ChargerId = cp }).ResponseAsync;
        var (asked, _) = await client.AnswerNextCall((_, _) => new JsonObject
        {
            ["configurationKey"] = new JsonArray(
                new JsonObject { ["key"] = "HeartbeatInterval", ["readonly"] = false, ["value"] = "300" },
                new JsonObject { ["key"] = "NumberOfConnectors", ["readonly"] = true, ["value"] = "2" }),
        });
        var status = (await asking).Status;
        var setting = chargers.SetVariableAsync(new VariableRequest { ChargerId = cp, Variable = "HeartbeatInterval", Value = "60" }).ResponseAsync;
        var (changed, change) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var setStatus = (await setting).Status;
        var model = await chargers.GetDeviceModelAsync(new GetDeviceModelRequest { ChargerId = cp });

        Assert.Equal(("GetConfiguration", "Accepted"), (asked, status));
        Assert.Equal(("ChangeConfiguration", "HeartbeatInterval", "60", "Accepted"), (changed, change["key"]!.GetValue<string>(), change["value"]!.GetValue<string>(), setStatus));
        Assert.Equal(["OCPP16/HeartbeatInterval=60 ReadWrite", "OCPP16/NumberOfConnectors=2 ReadOnly"], model.Variables.Select(v => $"{v.Component}/{v.Variable}={v.Value} {v.Mutability}"));
    }

    [Fact]
    public async Task A_connection_without_a_subprotocol_of_ours_is_refused()
    {
        var cp = TestIds.New("OCPP");
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0");
        socket.Options.SetRequestHeader("Authorization", await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp));
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(host.OcppUri(cp), CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_same_session_over_ocpp16_ocpp201_and_grpc_gives_the_same_energy_cost_cdr_and_invoice_lines()
    {
        var tariffId = TestIds.New("OCPP");
        using (var content = new StringContent($$"""{"id":"{{tariffId}}","currency":"EUR","elements":[{"price_components":[{"type":"FLAT","price":0.5,"vat":20,"step_size":1},{"type":"ENERGY","price":0.31,"vat":20,"step_size":1},{"type":"TIME","price":1.2,"vat":20,"step_size":60}]}]}""", Encoding.UTF8, "application/json"))
        {
            (await host.Http.PutAsync($"/v1/tariffs/{tariffId}", content)).EnsureSuccessStatusCode();
        }

        var tariffs = new TariffService.TariffServiceClient(host.Channel);
        var (ocppCp, grpcCp, v201Cp) = (TestIds.New("OCPP"), TestIds.New("OCPP"), TestIds.New("V201"));
        foreach (var cp in new[] { ocppCp, grpcCp, v201Cp })
        {
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
            await tariffs.AssignTariffAsync(new AssignTariffRequest { ChargerId = cp, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-1)) });
        }

        await using var client = await Connect(ocppCp);
        var tx = await Start(client, meterStart: 10_000);
        await client.Call("MeterValues", new JsonObject { ["connectorId"] = 1, ["transactionId"] = tx, ["meterValue"] = new JsonArray(MeterValue(13, Sample("12.345", "Energy.Active.Import.Register", "kWh"))) });
        await client.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 14_321, ["timestamp"] = At(27) });
        var overOcpp = await Eventually($"{ocppCp}~{tx}", s => s.State == SessionState.Completed);

        var station = new StationService.StationServiceClient(host.Channel);
        var started = await station.StartSessionAsync(new StartSessionRequest { ChargerId = grpcCp, ConnectorId = 1, IdTag = "RFID-1", MeterStartWh = 10_000, Timestamp = Timestamp.FromDateTime(DateTime.Parse(At(0)).ToUniversalTime()) });
        await station.ReportMeterValuesAsync(new ReportMeterValuesRequest { ChargerId = grpcCp, SessionId = started.SessionId, Readings = { new Charge.Api.V1.MeterReading { Timestamp = Timestamp.FromDateTime(DateTime.Parse(At(13)).ToUniversalTime()), EnergyWh = 12_345 } } });
        var overGrpc = await station.StopSessionAsync(new StopSessionRequest { ChargerId = grpcCp, SessionId = started.SessionId, MeterStopWh = 14_321, Timestamp = Timestamp.FromDateTime(DateTime.Parse(At(27)).ToUniversalTime()) });

        // OCPP 2.0.1: the same registers as a Started / Updated / Ended transaction (kWh with a multiplier on the way).
        await using var v201 = await host.ConnectOcpp201(v201Cp);
        var tx201 = Guid.NewGuid().ToString();
        JsonObject Event(string type, int seqNo, double minutes, JsonObject sample, string? context = null)
        {
            if (context is not null)
            {
                sample["context"] = context;
            }

            var e = new JsonObject
            {
                ["eventType"] = type, ["timestamp"] = At(minutes), ["triggerReason"] = type == "Started" ? "Authorized" : type == "Ended" ? "StopAuthorized" : "MeterValuePeriodic",
                ["seqNo"] = seqNo, ["transactionInfo"] = new JsonObject { ["transactionId"] = tx201 }, ["evse"] = new JsonObject { ["id"] = 1 },
                ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(minutes), ["sampledValue"] = new JsonArray(sample) }),
            };
            if (type == "Started")
            {
                e["idToken"] = new JsonObject { ["idToken"] = "RFID-1", ["type"] = "ISO14443" };
            }

            return e;
        }

        await v201.CallResult("TransactionEvent", Event("Started", 0, 0, new JsonObject { ["value"] = 10_000 }, "Transaction.Begin"));
        await v201.CallResult("TransactionEvent", Event("Updated", 1, 13, new JsonObject { ["value"] = 12.345, ["unitOfMeasure"] = new JsonObject { ["unit"] = "kWh" } }));
        await v201.CallResult("TransactionEvent", Event("Ended", 2, 27, new JsonObject { ["value"] = 1.4321, ["unitOfMeasure"] = new JsonObject { ["unit"] = "Wh", ["multiplier"] = 4 } }, "Transaction.End"));
        var over201 = await Eventually($"{v201Cp}~{tx201}", s => s.State == SessionState.Completed);

        Assert.Equal(4321, overOcpp.EnergyWh);
        Assert.Equal(overGrpc.EnergyWh, overOcpp.EnergyWh);
        Assert.Equal(overGrpc.EnergyWh, over201.EnergyWh);
        Assert.Equal(overGrpc.Cost.TotalExact, overOcpp.Cost.TotalExact);
        Assert.Equal(overGrpc.Cost.TotalExact, over201.Cost.TotalExact);
        Assert.Equal(overGrpc.Slots.Select(s => s.EnergyWh), overOcpp.Slots.Select(s => s.EnergyWh));
        Assert.Equal(overGrpc.Slots.Select(s => s.EnergyWh), over201.Slots.Select(s => s.EnergyWh));

        // The CDRs' cost breakdowns, byte for byte, once each session is settled (the IDs and the location differ).
        var (from, to) = (DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd"));
        async Task<string> Breakdown(string chargerId)
        {
            var cdrs = await Charge.Tests.Eventually.Get(async () => JsonNode.Parse(await host.Http.GetStringAsync($"/v1/cdrs?from={from}&to={to}&chargerId={chargerId}"))!.AsArray(), c => c.Count == 1);
            var cdr = cdrs[0]!;
            return new JsonArray(cdr["charging_periods"]!.DeepClone(), cdr["total_cost"]!.DeepClone(), cdr["total_energy"]!.DeepClone(), cdr["total_energy_cost"]!.DeepClone(),
                cdr["total_time"]!.DeepClone(), cdr["total_fixed_cost"]?.DeepClone()).ToJsonString();
        }

        var grpcCdr = await Breakdown(grpcCp);
        Assert.Equal(grpcCdr, await Breakdown(ocppCp));
        Assert.Equal(grpcCdr, await Breakdown(v201Cp));

        // And the invoices' lines, byte for byte (each session is invoiced on its own).
        async Task<string> Lines(string sessionId)
        {
            var session = await Charge.Tests.Eventually.Get(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }).ResponseAsync, s => s.InvoiceNumber.Length > 0);
            return JsonNode.Parse(await host.Http.GetStringAsync($"/v1/invoices/{session.InvoiceNumber}"))!["lines"]!.ToJsonString();
        }

        var grpcLines = await Lines(overGrpc.SessionId);
        Assert.Equal(grpcLines, await Lines($"{ocppCp}~{tx}"));
        Assert.Equal(grpcLines, await Lines($"{v201Cp}~{tx201}"));
    }

    [Fact]
    public async Task A_stop_with_one_unreadable_sample_is_applied_without_it_and_the_readable_ones_count()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var tx = await Start(client, meterStart: 1000);

        var stop = await client.SendRaw($$"""
            [2,"stop-1","StopTransaction",{"transactionId":{{tx}},"meterStop":3000,"timestamp":"{{At(30)}}","reason":"Local","transactionData":[
              {"timestamp":"{{At(10)}}","sampledValue":[{"value":"1600"}]},
              {"timestamp":"not a time","sampledValue":[{"value":"1800"}]},
              {"timestamp":"{{At(20)}}","sampledValue":[{"value":"lots"}]},
              {"timestamp":"{{At(25)}}","sampledValue":[{"value":"2500"}]}]}]
            """);
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        Assert.Equal((3, "stop-1"), (stop[0]!.GetValue<int>(), stop[1]!.GetValue<string>()));
        Assert.Equal(2000, session.EnergyWh);
        // The two readable samples and the stop make the curve; the unreadable two are dropped, not the stop, and the
        // session keeps what was dropped and why.
        Assert.Equal(2, session.ReadingCount);
        var dropped = session.Anomalies.Where(a => a.Kind == "StopSampleDropped").ToList();
        Assert.Equal(2, dropped.Count);
        Assert.Contains(dropped, a => a.Detail.Contains("timestamp", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(dropped, a => a.Detail.Contains("lots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_naming_an_id_tag_that_is_no_id_is_applied_and_answered_invalid()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var answers = new List<JsonArray>();
        foreach (var idTag in new[] { "", "../../x" })
        {
            var tx = await Start(client);
            answers.Add(await client.Call("StopTransaction", new JsonObject
            {
                ["transactionId"] = tx, ["meterStop"] = 2000, ["timestamp"] = At(10), ["idTag"] = idTag,
            }));
            var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);
            Assert.Equal(1000, session.EnergyWh);
        }

        Assert.All(answers, a => Assert.Equal((3, "Invalid"), (a[0]!.GetValue<int>(), a[2]!["idTagInfo"]!["status"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_malformed_message_is_refused_under_its_own_message_id_when_that_can_be_read()
    {
        await using var client = await Connect(TestIds.New("OCPP"));

        var duplicate = await client.SendRaw("""[2,"dup-7","Heartbeat",{"a":1,"a":2}]""");
        var deep = await client.SendRaw($"[2,\"deep-7\",\"Heartbeat\",{new string('[', 40)}{new string(']', 40)}]");
        var trailing = await client.SendRaw("""[2,"tail-7","Heartbeat",{}] garbage""");

        Assert.Equal(["dup-7", "deep-7", "tail-7"], new[] { duplicate, deep, trailing }.Select(r => r[1]!.GetValue<string>()));
        Assert.All(new[] { duplicate, deep, trailing }, r => Assert.Equal((4, "FormationViolation"), (r[0]!.GetValue<int>(), r[2]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_status_stamped_ahead_of_the_servers_clock_does_not_outrank_the_chargers_next_status()
    {
        await using var client = await Connect(TestIds.New("OCPP"));
        var ahead = DateTime.UtcNow.AddMinutes(8).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

        await client.Call("StatusNotification", new JsonObject { ["connectorId"] = 1, ["errorCode"] = "GroundFailure", ["status"] = "Faulted", ["timestamp"] = ahead });
        await Task.Delay(20);
        await client.Call("StatusNotification", new JsonObject
        {
            ["connectorId"] = 1, ["errorCode"] = "NoError", ["status"] = "Available", ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        });
        var start = await client.Call("StartTransaction", new JsonObject
        {
            ["connectorId"] = 1, ["idTag"] = "RFID-1", ["meterStart"] = 0, ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        });

        Assert.Equal(3, start[0]!.GetValue<int>());
        Assert.Equal("Accepted", start[2]!["idTagInfo"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_start_stamped_years_back_is_refused_over_ocpp_and_grpc_and_spends_no_transaction_id()
    {
        var cp = TestIds.New("OCPP");
        await using var client = await Connect(cp);
        var longAgo = "2019-03-01T10:00:00Z";

        var ocpp = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "RFID-1", ["meterStart"] = 0, ["timestamp"] = longAgo });
        var next = await Start(client);
        var grpc = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new StationService.StationServiceClient(host.Channel).StartSessionAsync(new StartSessionRequest
        {
            ChargerId = TestIds.New("OCPP"), ConnectorId = 1, IdTag = "T", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(new DateTime(2019, 3, 1, 10, 0, 0, DateTimeKind.Utc)),
        }).ResponseAsync);

        Assert.Equal((4, "PropertyConstraintViolation"), (ocpp[0]!.GetValue<int>(), ocpp[2]!.GetValue<string>()));
        Assert.Contains("more than 7 days before now", ocpp[3]!.GetValue<string>());
        Assert.Equal(1, next);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, grpc.StatusCode);
        Assert.Contains("more than 7 days before now", grpc.Status.Detail);
    }

    [Fact]
    public async Task Repeated_stop_requests_share_the_one_remote_stop_in_flight_and_a_flooding_caller_is_refused()
    {
        var idTag = $"FLOOD-{Guid.NewGuid():N}"[..16];
        await using var client = await Connect(TestIds.New("OCPP"));
        var tx = await Start(client, idTag: idTag);
        var sessionId = (await Sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = idTag })).Sessions.Single().SessionId;
        var driver = Charge.Tests.TestSecurity.Header(Charge.Tests.TestSecurity.Bearer(host.Security.Token("driver", $"flooder-{Guid.NewGuid():N}", [idTag])));
        var asDriver = new SessionService.SessionServiceClient(host.RawChannel);

        // Three presses of "stop" while the charger has not answered the first.
        var presses = Enumerable.Range(0, 3).Select(_ => asDriver.RequestStopAsync(new RequestStopRequest { SessionId = sessionId }, driver).ResponseAsync).ToArray();
        // The charger takes its time to answer, so the other presses reach the grain while the first stop is in
        // flight however busy the machine is (answered at once, a press that came late asked again, rightly).
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (action, payload) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var answers = await Task.WhenAll(presses);
        var second = client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var anotherCall = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(1))) == second;

        // The caller keeps pressing on a session whose charger cannot be reached: refused quickly, then limited.
        var offline = await new StationService.StationServiceClient(host.Channel).StartSessionAsync(new StartSessionRequest
        {
            ChargerId = TestIds.New("OCPP"), ConnectorId = 1, IdTag = idTag, MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(T0),
        });
        var codes = new List<Grpc.Core.StatusCode>();
        for (var i = 0; i < 12; i++)
        {
            try
            {
                await asDriver.RequestStopAsync(new RequestStopRequest { SessionId = offline.SessionId }, driver);
                codes.Add(Grpc.Core.StatusCode.OK);
            }
            catch (Grpc.Core.RpcException e)
            {
                codes.Add(e.StatusCode);
            }
        }

        Assert.Equal(("RemoteStopTransaction", tx), (action, payload["transactionId"]!.GetValue<int>()));
        Assert.All(answers, a => Assert.Equal(("ocpp", "Accepted"), (a.Channel, a.Status)));
        Assert.False(anotherCall, "a second RemoteStopTransaction was sent for the same stop");
        // The default limit: 5 at once, then 10 a minute; the 3 presses above count.
        Assert.Contains(Grpc.Core.StatusCode.FailedPrecondition, codes);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, codes[^1]);
    }
}
