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
        var actions = host.GatewayServices.GetServices<IOcppHandler>().Select(h => h.Action).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Inbound, actions);
        Assert.All(actions, a => Assert.True(OcppSchemas.Knows(a), $"{a} has no shipped request schema"));
    }

    [Fact]
    public void Commands_are_written_with_the_spec_field_names_and_without_absent_options()
    {
        Assert.Equal(("RemoteStopTransaction", """{"transactionId":7}"""), OcppJson.Command(new RemoteStopTransaction(7)));
        Assert.Equal(("RemoteStartTransaction", """{"idTag":"TAG"}"""), OcppJson.Command(new RemoteStartTransaction("TAG", null)));
        Assert.Equal(("TriggerMessage", """{"requestedMessage":"Heartbeat","connectorId":2}"""), OcppJson.Command(new TriggerMessage("Heartbeat", 2)));
        Assert.Equal("""{"transactionId":3,"idTagInfo":{"status":"Accepted"}}""", OcppJson.Write(new StartTransactionResponse(3, IdTagInfo.Accepted)).ToJsonString());
        Assert.Equal("{}", OcppJson.Write(new StopTransactionResponse(null)).ToJsonString());
    }

    [Fact]
    public async Task An_action_without_a_handler_is_NotImplemented_naming_it()
    {
        var central = host.GatewayServices.GetRequiredService<OcppCentralSystem>();

        var error = await Assert.ThrowsAsync<OcppCallException>(() => central.Handle("cp", "SignCertificate", []));

        Assert.Equal(OcppErrorCode.NotImplemented, error.Code);
        Assert.Contains("SignCertificate", error.Message);
    }
}
