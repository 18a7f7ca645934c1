using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Host.Tests;

/// <summary>
/// OCPP 2.0.1 stations on the same gateway and domain as 1.6 ones, driven over real sockets by the tests' OCPP
/// client in strict mode (every answer and every call we send checked against the shipped 2.0.1 schemas).
/// </summary>
public sealed class Ocpp201Tests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-1);

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    private ChargerService.ChargerServiceClient Chargers => new(host.Channel);

    private TokenService.TokenServiceClient Tokens => new(host.Channel);

    private static JsonObject Register(double minutes, double wh, string? context = null)
    {
        var sample = new JsonObject { ["value"] = wh, ["measurand"] = "Energy.Active.Import.Register" };
        if (context is not null)
        {
            sample["context"] = context;
        }

        return new JsonObject { ["timestamp"] = At(minutes), ["sampledValue"] = new JsonArray(sample) };
    }

    private static JsonObject Event(string type, string tx, int seqNo, double minutes, string trigger, string? idTag = null, params JsonObject[] meterValues)
    {
        var e = new JsonObject
        {
            ["eventType"] = type, ["timestamp"] = At(minutes), ["triggerReason"] = trigger, ["seqNo"] = seqNo,
            ["transactionInfo"] = new JsonObject { ["transactionId"] = tx }, ["evse"] = new JsonObject { ["id"] = 1, ["connectorId"] = 1 },
        };
        if (idTag is not null)
        {
            e["idToken"] = new JsonObject { ["idToken"] = idTag, ["type"] = "ISO14443" };
        }

        if (meterValues.Length > 0)
        {
            e["meterValue"] = new JsonArray(meterValues);
        }

        return e;
    }

    private static JsonObject Ended(JsonObject e, string reason)
    {
        e["transactionInfo"]!["stoppedReason"] = reason;
        return e;
    }

    private Task<Session> Eventually(string sessionId, Func<Session, bool> done) =>
        Charge.Tests.Eventually.Get(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }).ResponseAsync, done);

    private async Task<string> Token(string status = "ACCEPTED", string parent = "") =>
        (await Tokens.PutTokenAsync(new PutTokenRequest { IdTag = TestIds.New("TAG"), Status = status, ParentIdTag = parent })).IdTag;

    [Fact]
    public async Task A_station_offering_both_versions_gets_ocpp201_and_one_offering_neither_is_refused()
    {
        var cp = TestIds.New("V201");
        var authorization = await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        await using (var both = await OcppClient.ConnectAsync(host.OcppUri(cp), authorization, "ocpp1.6", "ocpp2.0.1"))
        {
            Assert.Equal("ocpp2.0.1", both.SubProtocol);
        }

        await using (var old = await OcppClient.ConnectAsync(host.OcppUri(cp), authorization, "ocpp1.6"))
        {
            Assert.Equal("ocpp1.6", old.SubProtocol);
        }

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0");
        socket.Options.SetRequestHeader("Authorization", authorization);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(host.OcppUri(cp), CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Boot_heartbeat_and_status_reach_the_charger_as_for_any_station()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);

        var boot = await station.CallResult("BootNotification", new JsonObject
        {
            ["reason"] = "PowerUp",
            ["chargingStation"] = new JsonObject { ["vendorName"] = "Acme", ["model"] = "DC150", ["firmwareVersion"] = "2.1.0", ["serialNumber"] = "SN-7" },
        });
        var heartbeat = await station.CallResult("Heartbeat", []);
        await station.CallResult("StatusNotification", new JsonObject { ["timestamp"] = At(0), ["connectorStatus"] = "Occupied", ["evseId"] = 1, ["connectorId"] = 1 });
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = cp });

        Assert.Equal("Accepted", boot["status"]!.GetValue<string>());
        Assert.True(boot["interval"]!.GetValue<int>() > 0);
        Assert.True(DateTime.Parse(heartbeat["currentTime"]!.GetValue<string>()).ToUniversalTime() > DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(("Acme", "DC150", "2.1.0"), (charger.Vendor, charger.Model, charger.FirmwareVersion));
        Assert.Equal(ConnectorStatus.Preparing, charger.Connectors.Single(c => c.ConnectorId == 1).Status);
    }

    [Fact]
    public async Task Security_events_are_kept_counted_and_shown_with_the_charger()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);

        await station.CallResult("SecurityEventNotification", new JsonObject { ["type"] = "InvalidChargingStationCertificate", ["timestamp"] = At(0), ["techInfo"] = "serial mismatch" });
        await station.CallResult("SecurityEventNotification", new JsonObject { ["type"] = "TamperDetectionActivated", ["timestamp"] = At(1) });
        var refused = await station.Call("SecurityEventNotification", new JsonObject { ["type"] = new string('x', 51), ["timestamp"] = At(2) });
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = cp });

        Assert.Equal(2, charger.SecurityEventCount);
        Assert.Equal(["InvalidChargingStationCertificate", "TamperDetectionActivated"], charger.SecurityEvents.Select(e => e.Type));
        Assert.Equal("serial mismatch", charger.SecurityEvents[0].TechInfo);
        Assert.Equal(T0, charger.SecurityEvents[0].Timestamp.ToDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal((4, "PropertyConstraintViolation"), (refused[0]!.GetValue<int>(), refused[2]!.GetValue<string>()));
    }

    [Fact]
    public async Task Meter_values_outside_a_transaction_are_the_connectors_meter_and_clock_aligned_ones_inside_count()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);
        await station.CallResult("StatusNotification", new JsonObject { ["timestamp"] = At(0), ["connectorStatus"] = "Available", ["evseId"] = 1, ["connectorId"] = 1 });

        // Between sessions: the EVSE's meter, clock-aligned.
        var idle = Register(1, 50_000);
        idle["sampledValue"]![0]!["context"] = "Sample.Clock";
        await station.CallResult("MeterValues", new JsonObject { ["evseId"] = 1, ["meterValue"] = new JsonArray(idle) });
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = cp });
        var sessions = await Sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = cp, From = Timestamp.FromDateTime(T0.AddDays(-1)), To = Timestamp.FromDateTime(T0.AddDays(1)) });

        // In a transaction: a clock-aligned sample is a reading like a periodic one.
        await station.CallResult("TransactionEvent", Event("Started", tx, 0, 2, "Authorized", tag, Register(2, 50_000, "Transaction.Begin")));
        var clock = Register(15, 52_000, "Sample.Clock");
        await station.CallResult("TransactionEvent", Event("Updated", tx, 1, 15, "MeterValueClock", null, clock));
        await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 2, 20, "StopAuthorized", null, Register(20, 53_000, "Transaction.End")), "Local"));
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        var connector = charger.Connectors.Single(c => c.ConnectorId == 1);
        Assert.Equal(50_000, connector.IdleMeterWh);
        Assert.Equal(T0.AddMinutes(1), connector.IdleMeterAt.ToDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Empty(sessions.Sessions);
        Assert.Equal(3000, session.EnergyWh);
        Assert.Equal(2, session.ReadingCount);
    }

    [Fact]
    public async Task Component_events_are_kept_counted_and_shown_with_the_device_model()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);
        JsonObject Data(int id, double minutes, string component, string variable, string value, bool cleared = false) => new()
        {
            ["eventId"] = id, ["timestamp"] = At(minutes), ["trigger"] = "Alerting", ["actualValue"] = value, ["cleared"] = cleared,
            ["component"] = new JsonObject { ["name"] = component }, ["variable"] = new JsonObject { ["name"] = variable }, ["eventNotificationType"] = "HardWiredNotification",
        };

        await station.CallResult("NotifyEvent", new JsonObject { ["generatedAt"] = At(1), ["seqNo"] = 0, ["eventData"] = new JsonArray(Data(1, 0, "ChargingStation", "Problem", "true"), Data(2, 1, "Connector", "Tripped", "true")) });
        await station.CallResult("NotifyEvent", new JsonObject { ["generatedAt"] = At(2), ["seqNo"] = 1, ["eventData"] = new JsonArray(Data(3, 2, "ChargingStation", "Problem", "false", cleared: true)) });
        var model = await Chargers.GetDeviceModelAsync(new GetDeviceModelRequest { ChargerId = cp });

        Assert.Equal(3, model.EventCount);
        Assert.Equal(["ChargingStation/Problem=true", "Connector/Tripped=true", "ChargingStation/Problem=false"], model.Events.Select(e => $"{e.Component}/{e.Variable}={e.ActualValue}"));
        Assert.True(model.Events[2].Cleared);
        Assert.Equal(T0, model.Events[0].Timestamp.ToDateTime(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Authorize_answers_from_the_token_registry_with_the_group()
    {
        var cp = TestIds.New("V201");
        var group = await Token();
        var member = await Token(parent: group);
        var blocked = await Token("BLOCKED");
        await using var station = await host.ConnectOcpp201(cp);

        async Task<JsonObject> Info(string idTag, string type = "ISO14443") =>
            (await station.CallResult("Authorize", new JsonObject { ["idToken"] = new JsonObject { ["idToken"] = idTag, ["type"] = type } }))["idTokenInfo"]!.AsObject();

        var accepted = await Info(member);
        Assert.Equal("Accepted", accepted["status"]!.GetValue<string>());
        Assert.Equal(group, accepted["groupIdToken"]!["idToken"]!.GetValue<string>());
        Assert.Equal("Blocked", (await Info(blocked))["status"]!.GetValue<string>());
        Assert.Equal("Invalid", (await Info("", "NoAuthorization"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_transaction_started_updated_and_ended_bills_its_registers_and_answers_the_final_cost()
    {
        var cp = TestIds.New("V201");
        var tariffId = TestIds.New("TARIFF");
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.30m)));
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = cp, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-1)) });
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        var started = await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")));
        await station.CallResult("TransactionEvent", Event("Updated", tx, 1, 10, "MeterValuePeriodic", null, Register(10, 5000)));
        var ended = await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 2, 20, "EVCommunicationLost", tag, Register(20, 11000, "Transaction.End")), "EVDisconnected"));
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        Assert.Equal("Accepted", started["idTokenInfo"]!["status"]!.GetValue<string>());
        Assert.Equal(10_000, session.EnergyWh);
        Assert.Equal(tag, session.IdTag);
        Assert.Equal("EVDisconnected", session.StopReason);
        // 10 kWh x 0.30 x 1.2 = 3.60 incl. VAT, in the Ended answer as the spec's totalCost.
        Assert.Equal(3.60m, ended["totalCost"]!.GetValue<decimal>());
        Assert.Equal("Accepted", ended["idTokenInfo"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_token_opens_nothing_and_is_answered_in_id_token_info()
    {
        var cp = TestIds.New("V201");
        var blocked = await Token("BLOCKED");
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        var answer = await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "Authorized", blocked, Register(0, 1000, "Transaction.Begin")));
        var session = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" }).ResponseAsync);

        Assert.Equal("Blocked", answer["idTokenInfo"]!["status"]!.GetValue<string>());
        Assert.Equal(Grpc.Core.StatusCode.NotFound, session.StatusCode);
    }

    private static JsonObject Numbered(JsonObject e, bool offline = false)
    {
        if (offline)
        {
            e["offline"] = true;
        }

        return e;
    }

    [Fact]
    public async Task Plug_in_first_opens_the_session_at_the_plug_in_once_the_token_comes_and_bills_from_there()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        var plugged = await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "CablePluggedIn", null, Register(0, 1000, "Transaction.Begin")));
        await station.CallResult("TransactionEvent", Event("Updated", tx, 1, 2, "MeterValuePeriodic", null, Register(2, 1500)));
        var before = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" }).ResponseAsync);
        var authorized = await station.CallResult("TransactionEvent", Event("Updated", tx, 2, 3, "Authorized", tag));
        await station.CallResult("TransactionEvent", Event("Updated", tx, 3, 10, "MeterValuePeriodic", null, Register(10, 5000)));
        await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 4, 20, "EVCommunicationLost", null, Register(20, 9000, "Transaction.End")), "EVDisconnected"));
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        // No token, no idTokenInfo; the session did not exist before its token.
        Assert.Null(plugged["idTokenInfo"]);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, before.StatusCode);
        Assert.Equal("Accepted", authorized["idTokenInfo"]!["status"]!.GetValue<string>());
        // From the plug-in register (1000), not from where the token came: every answered reading counts.
        Assert.Equal(8000, session.EnergyWh);
        Assert.Equal(T0, session.StartedAt.ToDateTime(), TimeSpan.FromMilliseconds(1));
        // The readings after the start (the Transaction.Begin sample is the start itself): 1500, 5000 and 9000.
        Assert.Equal(3, session.ReadingCount);
    }

    [Fact]
    public async Task An_offline_queue_replayed_out_of_order_is_fixed_only_when_every_event_is_in()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        // The Ended first: events 0..2 are missing, so the station is asked whether it holds more; it does.
        await station.CallResult("TransactionEvent", Numbered(Ended(Event("Ended", tx, 3, 30, "EVCommunicationLost", null, Register(30, 7000, "Transaction.End")), "EVDisconnected"), offline: true));
        var (asked, askedPayload) = await station.AnswerNextCall((_, _) => new JsonObject { ["messagesInQueue"] = true, ["ongoingIndicator"] = false });
        await station.CallResult("TransactionEvent", Numbered(Event("Updated", tx, 2, 20, "MeterValuePeriodic", null, Register(20, 5000)), offline: true));
        await station.CallResult("TransactionEvent", Numbered(Event("Started", tx, 0, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")), offline: true));
        var beforeLast = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" });
        await station.CallResult("TransactionEvent", Numbered(Event("Updated", tx, 1, 10, "MeterValuePeriodic", null, Register(10, 3000)), offline: true));
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        Assert.Equal("GetTransactionStatus", asked);
        Assert.Equal(tx, askedPayload["transactionId"]!.GetValue<string>());
        Assert.Equal(SessionState.Active, beforeLast.State);
        Assert.Equal(6000, session.EnergyWh);
        // 3000, 5000 and 7000 after the start, whatever order they came in.
        Assert.Equal(3, session.ReadingCount);
        Assert.Equal("EVDisconnected", session.StopReason);
    }

    [Fact]
    public async Task An_end_with_a_gap_is_fixed_when_the_station_says_nothing_more_is_queued()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")));
        await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 2, 20, "StopAuthorized", null, Register(20, 4000, "Transaction.End")), "Local"));
        var (asked, _) = await station.AnswerNextCall((_, _) => new JsonObject { ["messagesInQueue"] = false });
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

        Assert.Equal("GetTransactionStatus", asked);
        Assert.Equal(3000, session.EnergyWh);
    }

    [Fact]
    public async Task Each_transaction_numbers_from_zero_and_a_repeated_event_counts_once()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        await using var station = await host.ConnectOcpp201(cp);

        foreach (var (tx, register) in new[] { (Guid.NewGuid().ToString(), 1000), (Guid.NewGuid().ToString(), 9000) })
        {
            await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "Authorized", tag, Register(0, register, "Transaction.Begin")));
            var update = Event("Updated", tx, 1, 5, "MeterValuePeriodic", null, Register(5, register + 500));
            await station.CallResult("TransactionEvent", update);
            // The answer was lost: the station sends the same event again.
            await station.CallResult("TransactionEvent", Event("Updated", tx, 1, 5, "MeterValuePeriodic", null, Register(5, register + 500)));
            await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 2, 10, "StopAuthorized", null, Register(10, register + 2000, "Transaction.End")), "Local"));
            var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);

            Assert.Equal(2000, session.EnergyWh);
            // The update once and the end (the Transaction.Begin sample is the start itself).
            Assert.Equal(2, session.ReadingCount);
        }
    }

    [Fact]
    public async Task A_station_that_numbers_on_across_transactions_is_not_taken_for_a_gap()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        await station.CallResult("TransactionEvent", Event("Started", tx, 57, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")));
        await station.CallResult("TransactionEvent", Event("Updated", tx, 58, 5, "MeterValuePeriodic", null, Register(5, 1500)));
        await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 59, 10, "StopAuthorized", null, Register(10, 2000, "Transaction.End")), "Local"));

        // Fixed at once: nothing is missing from 57 to 59, so the station is not asked about its queue.
        var session = await Eventually($"{cp}~{tx}", s => s.State == SessionState.Completed);
        Assert.Equal(1000, session.EnergyWh);
    }

    [Fact]
    public async Task A_transaction_that_ends_without_a_token_bills_nothing_and_the_operator_sees_why()
    {
        var cp = TestIds.New("V201");
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);

        await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "CablePluggedIn", null, Register(0, 1000, "Transaction.Begin")));
        await station.CallResult("TransactionEvent", Ended(Event("Ended", tx, 1, 5, "EVCommunicationLost", null, Register(5, 1200, "Transaction.End")), "EVDisconnected"));
        var charger = await Chargers.GetChargerAsync(new GetChargerRequest { ChargerId = cp });
        var missing = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = $"{cp}~{tx}" }).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.NotFound, missing.StatusCode);
        var anomaly = Assert.Single(charger.Anomalies, a => a.Detail.Contains(tx, StringComparison.Ordinal));
        Assert.Contains("no token", anomaly.Detail);
    }

    [Fact]
    public async Task An_action_not_handled_yet_is_not_implemented_naming_it()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);

        var unknown = await station.Call("GetCertificateStatus", new JsonObject { ["ocspRequestData"] = new JsonObject { ["hashAlgorithm"] = "SHA256", ["issuerNameHash"] = "a", ["issuerKeyHash"] = "b", ["serialNumber"] = "c", ["responderURL"] = "http://127.0.0.1/" } });

        Assert.Equal((4, "NotImplemented"), (unknown[0]!.GetValue<int>(), unknown[2]!.GetValue<string>()));
        Assert.Contains("GetCertificateStatus", unknown[3]!.GetValue<string>());
    }

    [Fact]
    public async Task A_remote_stop_of_a_201_session_is_a_request_stop_transaction_naming_it()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        var tx = Guid.NewGuid().ToString();
        await using var station = await host.ConnectOcpp201(cp);
        await station.CallResult("TransactionEvent", Event("Started", tx, 0, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")));

        var stop = Sessions.RequestStopAsync(new RequestStopRequest { SessionId = $"{cp}~{tx}" }).ResponseAsync;
        var (action, payload) = await station.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        var result = await stop;

        Assert.Equal("RequestStopTransaction", action);
        Assert.Equal(tx, payload["transactionId"]!.GetValue<string>());
        Assert.Equal("Accepted", result.Status);
    }

    [Fact]
    public async Task Operator_commands_reach_a_201_station_in_its_own_form_and_answer_its_status()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);
        var answers = new Dictionary<string, JsonObject>
        {
            ["RequestStartTransaction"] = new() { ["status"] = "Accepted" },
            ["Reset"] = new() { ["status"] = "Scheduled" },
            ["ChangeAvailability"] = new() { ["status"] = "Accepted" },
            ["TriggerMessage"] = new() { ["status"] = "Accepted" },
            ["UnlockConnector"] = new() { ["status"] = "Unlocked" },
        };

        async Task<(string Status, string Action, JsonObject Payload)> Send(Func<Task<CommandResult>> call)
        {
            var pending = call();
            var (action, payload) = await station.AnswerNextCall((a, _) => answers[a]);
            return ((await pending).Status, action, payload);
        }

        var start = await Send(() => Chargers.RemoteStartTransactionAsync(new RemoteStartTransactionRequest { ChargerId = cp, IdTag = "APP-USER-1", ConnectorId = 2 }).ResponseAsync);
        var reset = await Send(() => Chargers.ResetAsync(new ResetRequest { ChargerId = cp, Type = "Soft" }).ResponseAsync);
        var availability = await Send(() => Chargers.ChangeAvailabilityAsync(new ChangeAvailabilityRequest { ChargerId = cp, ConnectorId = 1, Type = "Inoperative" }).ResponseAsync);
        var trigger = await Send(() => Chargers.TriggerMessageAsync(new TriggerMessageRequest { ChargerId = cp, RequestedMessage = "TransactionEvent", ConnectorId = 1 }).ResponseAsync);
        var unlock = await Send(() => Chargers.UnlockConnectorAsync(new UnlockConnectorRequest { ChargerId = cp, ConnectorId = 1 }).ResponseAsync);

        // Every call was checked against the 2.0.1 request schemas by the strict client; the forms are 2.0.1's.
        Assert.Equal(("Accepted", "RequestStartTransaction"), (start.Status, start.Action));
        Assert.Equal(("APP-USER-1", "Central", 2), (start.Payload["idToken"]!["idToken"]!.GetValue<string>(), start.Payload["idToken"]!["type"]!.GetValue<string>(), start.Payload["evseId"]!.GetValue<int>()));
        Assert.Equal(("Scheduled", "OnIdle"), (reset.Status, reset.Payload["type"]!.GetValue<string>()));
        Assert.Equal(("Inoperative", 1), (availability.Payload["operationalStatus"]!.GetValue<string>(), availability.Payload["evse"]!["id"]!.GetValue<int>()));
        Assert.Equal("TransactionEvent", trigger.Payload["requestedMessage"]!.GetValue<string>());
        Assert.Equal(("Unlocked", 1, 1), (unlock.Status, unlock.Payload["evseId"]!.GetValue<int>(), unlock.Payload["connectorId"]!.GetValue<int>()));

        // A message 2.0.1 cannot trigger is refused before it is sent, naming the field.
        var diagnostics = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Chargers.TriggerMessageAsync(new TriggerMessageRequest { ChargerId = cp, RequestedMessage = "DiagnosticsStatusNotification" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, diagnostics.StatusCode);
        Assert.Contains("requested_message", diagnostics.Status.Detail);
    }

    [Fact]
    public async Task The_device_model_is_reported_stored_read_and_set()
    {
        var cp = TestIds.New("V201");
        await using var station = await host.ConnectOcpp201(cp);

        var asking = Chargers.RequestDeviceReportAsync(new RequestDeviceReportRequest { ChargerId = cp, ReportBase = "FullInventory" }).ResponseAsync;
        var (asked, askedPayload) = await station.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        Assert.Equal("Accepted", (await asking).Status);
        JsonObject Part(int seqNo, bool tbc, params (string Component, string Variable, string Value, string Mutability)[] data) => new()
        {
            ["requestId"] = askedPayload["requestId"]!.GetValue<int>(), ["generatedAt"] = At(0), ["seqNo"] = seqNo, ["tbc"] = tbc,
            ["reportData"] = new JsonArray([.. data.Select(d => (JsonNode)new JsonObject
            {
                ["component"] = new JsonObject { ["name"] = d.Component }, ["variable"] = new JsonObject { ["name"] = d.Variable },
                ["variableAttribute"] = new JsonArray(new JsonObject { ["type"] = "Actual", ["value"] = d.Value, ["mutability"] = d.Mutability }),
                ["variableCharacteristics"] = new JsonObject { ["dataType"] = "string", ["supportsMonitoring"] = false },
            })]),
        };
        await station.CallResult("NotifyReport", Part(0, true, ("SecurityCtrlr", "SecurityProfile", "1", "ReadOnly"), ("OCPPCommCtrlr", "HeartbeatInterval", "300", "ReadWrite")));
        await station.CallResult("NotifyReport", Part(1, false, ("EVSE", "Power", "22000", "ReadOnly")));
        var reported = await Chargers.GetDeviceModelAsync(new GetDeviceModelRequest { ChargerId = cp });

        var setting = Chargers.SetVariableAsync(new VariableRequest { ChargerId = cp, Component = "OCPPCommCtrlr", Variable = "HeartbeatInterval", Value = "60" }).ResponseAsync;
        var (set, setPayload) = await station.AnswerNextCall((_, p) => new JsonObject
        {
            ["setVariableResult"] = new JsonArray(new JsonObject { ["attributeStatus"] = "Accepted", ["component"] = p["setVariableData"]![0]!["component"]!.DeepClone(), ["variable"] = p["setVariableData"]![0]!["variable"]!.DeepClone() }),
        });
        var setStatus = (await setting).Status;
        var reading = Chargers.GetVariableAsync(new VariableRequest { ChargerId = cp, Component = "EVSE", Variable = "Power" }).ResponseAsync;
        var (get, _) = await station.AnswerNextCall((_, p) => new JsonObject
        {
            ["getVariableResult"] = new JsonArray(new JsonObject { ["attributeStatus"] = "Accepted", ["attributeValue"] = "11000", ["component"] = new JsonObject { ["name"] = "EVSE" }, ["variable"] = new JsonObject { ["name"] = "Power" } }),
        });
        var getStatus = (await reading).Status;
        var after = await Chargers.GetDeviceModelAsync(new GetDeviceModelRequest { ChargerId = cp });

        Assert.Equal(("GetBaseReport", "FullInventory"), (asked, askedPayload["reportBase"]!.GetValue<string>()));
        Assert.Equal(["EVSE/Power=22000", "OCPPCommCtrlr/HeartbeatInterval=300", "SecurityCtrlr/SecurityProfile=1"], reported.Variables.Select(v => $"{v.Component}/{v.Variable}={v.Value}"));
        Assert.Equal("ReadOnly", reported.Variables.Single(v => v.Variable == "SecurityProfile").Mutability);
        Assert.Equal(("SetVariables", "60"), (set, setPayload["setVariableData"]![0]!["attributeValue"]!.GetValue<string>()));
        Assert.Equal(("Accepted", "GetVariables", "Accepted"), (setStatus, get, getStatus));
        Assert.Equal(["EVSE/Power=11000", "OCPPCommCtrlr/HeartbeatInterval=60", "SecurityCtrlr/SecurityProfile=1"], after.Variables.Select(v => $"{v.Component}/{v.Variable}={v.Value}"));
    }

    [Fact]
    public async Task Bad_201_input_gets_the_call_error_its_kind_calls_for_naming_the_field()
    {
        var cp = TestIds.New("V201");
        var tag = await Token();
        await using var station = await host.ConnectOcpp201(cp);

        foreach (var (payload, code, names) in new (JsonObject, string, string)[]
        {
            (new JsonObject { ["reason"] = "PowerUp" }, "OccurenceConstraintViolation", "chargingStation"),
            (new JsonObject { ["reason"] = "Bored", ["chargingStation"] = new JsonObject { ["vendorName"] = "A", ["model"] = "B" } }, "PropertyConstraintViolation", "reason"),
            (new JsonObject { ["reason"] = "PowerUp", ["chargingStation"] = new JsonObject { ["vendorName"] = "A", ["model"] = "B" }, ["evil"] = 1 }, "FormationViolation", "evil"),
        })
        {
            var reply = await station.Call("BootNotification", payload);
            Assert.Equal((4, code), (reply[0]!.GetValue<int>(), reply[2]!.GetValue<string>()));
            Assert.Contains(names, reply[3]!.GetValue<string>());
        }

        var withMultiplier = Register(0, 1000, "Transaction.Begin");
        withMultiplier["sampledValue"]![0]!["unitOfMeasure"] = new JsonObject { ["unit"] = "Wh", ["multiplier"] = 99 };
        var multiplier = await station.Call("TransactionEvent", Event("Started", Guid.NewGuid().ToString(), 0, 0, "Authorized", tag, withMultiplier));
        Assert.Equal((4, "PropertyConstraintViolation"), (multiplier[0]!.GetValue<int>(), multiplier[2]!.GetValue<string>()));
        Assert.Contains("multiplier", multiplier[3]!.GetValue<string>());

        var noTransaction = await station.Call("TransactionEvent", Event("Started", "../x", 0, 0, "Authorized", tag, Register(0, 1000, "Transaction.Begin")));
        Assert.Equal((4, "PropertyConstraintViolation"), (noTransaction[0]!.GetValue<int>(), noTransaction[2]!.GetValue<string>()));
        Assert.Contains("transactionId", noTransaction[3]!.GetValue<string>());
    }
}
