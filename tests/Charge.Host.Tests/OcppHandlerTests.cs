using Charge.Gateway.Ocpp;
using Charge.Gateway.Ocpp.Handlers;
using Charge.Gateway.Ocpp.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace Charge.Host.Tests;

/// <summary>The OCPP actions are wired one handler each, every handled action has its shipped schema, and messages are written as the spec names them.</summary>
public sealed class OcppHandlerTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly string[] Inbound =
    [
        "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
        "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    ];

    [Fact]
    public void Every_action_a_charge_point_sends_has_exactly_one_handler_and_a_request_schema()
    {
        var handlers = host.GatewayServices.GetServices<IOcppHandler>().ToList();
        var actions = handlers.Where(h => h.Protocol == OcppProtocol.V16).Select(h => h.Action).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Inbound, actions);
        Assert.All(actions, a => Assert.True(OcppSchemas.Ocpp16.HasRequest(a), $"{a} has no shipped request schema"));
        // Each version's handlers check against that version's schemas; no action is handled twice for one version.
        Assert.All(handlers.GroupBy(h => (h.Protocol, h.Action)), g => Assert.Single(g));
        Assert.All(handlers.Where(h => h.Protocol == OcppProtocol.V201), h => Assert.True(OcppSchemas.Ocpp201.HasRequest(h.Action), $"2.0.1 {h.Action} has no shipped schema"));
        // Our answers are checked before they are sent: every handled action has its response schema.
        Assert.All(handlers, h => Assert.True(h.Protocol.Schemas.HasResponse(h.Action), $"{h.Protocol.Name} {h.Action} has no shipped response schema"));
    }

    [Fact]
    public void The_201_schema_set_holds_all_64_actions_both_ways()
    {
        var actions = new[]
        {
            "Authorize", "BootNotification", "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
            "ClearDisplayMessage", "ClearedChargingLimit", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DataTransfer",
            "DeleteCertificate", "FirmwareStatusNotification", "Get15118EVCertificate", "GetBaseReport", "GetCertificateStatus", "GetChargingProfiles",
            "GetCompositeSchedule", "GetDisplayMessages", "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport",
            "GetReport", "GetTransactionStatus", "GetVariables", "Heartbeat", "InstallCertificate", "LogStatusNotification", "MeterValues",
            "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds", "NotifyEVChargingSchedule",
            "NotifyEvent", "NotifyMonitoringReport", "NotifyReport", "PublishFirmware", "PublishFirmwareStatusNotification", "ReportChargingProfiles",
            "RequestStartTransaction", "RequestStopTransaction", "ReservationStatusUpdate", "ReserveNow", "Reset", "SecurityEventNotification",
            "SendLocalList", "SetChargingProfile", "SetDisplayMessage", "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile",
            "SetVariableMonitoring", "SetVariables", "SignCertificate", "StatusNotification", "TransactionEvent", "TriggerMessage",
            "UnlockConnector", "UnpublishFirmware", "UpdateFirmware",
        };

        Assert.Equal(64, actions.Length);
        Assert.All(actions, a => Assert.True(OcppSchemas.Ocpp201.HasRequest(a) && OcppSchemas.Ocpp201.HasResponse(a), $"{a} lacks a 2.0.1 schema"));
    }

    [Theory]
    [InlineData("RemoteStartTransaction")]
    [InlineData("RemoteStopTransaction")]
    [InlineData("Reset")]
    [InlineData("ChangeAvailability")]
    [InlineData("TriggerMessage")]
    [InlineData("DataTransfer")]
    [InlineData("GetLocalListVersion")]
    [InlineData("SendLocalList")]
    [InlineData("SetChargingProfile")]
    [InlineData("ClearChargingProfile")]
    [InlineData("GetCompositeSchedule")]
    [InlineData("UnlockConnector")]
    [InlineData("GetConfiguration")]
    [InlineData("ChangeConfiguration")]
    public void Every_call_the_central_system_makes_has_its_answer_checked_against_a_shipped_schema(string action)
    {
        Assert.True(OcppSchemas.Ocpp16.HasResponse(action), $"{action} has no shipped response schema");
    }

    [Fact]
    public void Profiles_are_written_as_the_spec_names_them()
    {
        var (action, payload) = OcppJson.Command(new SetChargingProfile(1, new ChargingProfile(7, 7, 0, "TxProfile", "Relative",
            new ChargingSchedule("W", [new ChargingSchedulePeriod(0, 11000.5m)]))));

        Assert.Equal("SetChargingProfile", action);
        Assert.Equal("""{"connectorId":1,"csChargingProfiles":{"chargingProfileId":7,"transactionId":7,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.5}]}}}""", payload);
    }

    [Fact]
    public void Commands_are_written_with_the_spec_field_names_and_without_absent_options()
    {
        Assert.Equal(("RemoteStopTransaction", """{"transactionId":7}"""), OcppJson.Command(new RemoteStopTransaction(7)));
        Assert.Equal(("RemoteStartTransaction", """{"idTag":"TAG"}"""), OcppJson.Command(new RemoteStartTransaction("TAG", null)));
        Assert.Equal(("TriggerMessage", """{"requestedMessage":"Heartbeat","connectorId":2}"""), OcppJson.Command(new TriggerMessage("Heartbeat", 2)));
        Assert.Equal("""{"transactionId":3,"idTagInfo":{"status":"Accepted"}}""", System.Text.Json.JsonSerializer.Serialize(new StartTransactionResponse(3, IdTagInfo.Accepted), OcppJson.Options));
        Assert.Equal("{}", System.Text.Json.JsonSerializer.Serialize(new StopTransactionResponse(null), OcppJson.Options));
    }

    [Fact]
    public async Task An_action_without_a_handler_is_NotImplemented_naming_it()
    {
        var central = host.GatewayServices.GetRequiredService<OcppCentralSystem>();

        var error = await Assert.ThrowsAsync<OcppCallException>(() => central.Handle(OcppProtocol.V16, "cp", "SignCertificate", System.Text.Json.JsonDocument.Parse("{}").RootElement));

        Assert.Equal(OcppErrorCode.NotImplemented, error.Code);
        Assert.Contains("SignCertificate", error.Message);
    }
}
