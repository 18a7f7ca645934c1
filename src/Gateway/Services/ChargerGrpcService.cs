using Charge.Api.V1;
using Charge.Grains.Interfaces;
using Grpc.Core;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Reading a charger's connectors, active sessions and heartbeat.</summary>
public sealed class ChargerGrpcService(IGrainFactory grains) : ChargerService.ChargerServiceBase
{
    public override async Task<Charger> GetCharger(GetChargerRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).GetView();
        return view.ToApi();
    }

    public override Task<CommandResult> RemoteStartTransaction(RemoteStartTransactionRequest request, ServerCallContext context)
    {
        var payload = new System.Text.Json.Nodes.JsonObject { ["idTag"] = Id(request.IdTag, "id_tag").Length <= 20 ? request.IdTag : throw Invalid("id_tag is longer than 20 characters (OCPP 1.6 idTag)") };
        if (request.ConnectorId != 0)
        {
            payload["connectorId"] = Connector(request.ConnectorId, "connector_id");
        }

        return Command(request.ChargerId, "RemoteStartTransaction", payload);
    }

    public override Task<CommandResult> RemoteStopTransaction(RemoteStopTransactionRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var sessionId = Id(request.SessionId, "session_id");
        var prefix = chargerId + "-";
        if (!sessionId.StartsWith(prefix, StringComparison.Ordinal) || !int.TryParse(sessionId[prefix.Length..], out var transactionId))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"session '{sessionId}' was not started over OCPP on charger '{chargerId}'"));
        }

        return Command(chargerId, "RemoteStopTransaction", new System.Text.Json.Nodes.JsonObject { ["transactionId"] = transactionId });
    }

    public override Task<CommandResult> Reset(ResetRequest request, ServerCallContext context) =>
        Command(request.ChargerId, "Reset", new System.Text.Json.Nodes.JsonObject { ["type"] = OneOf(request.Type, "type", "Soft", "Hard") });

    public override Task<CommandResult> ChangeAvailability(ChangeAvailabilityRequest request, ServerCallContext context) =>
        Command(request.ChargerId, "ChangeAvailability", new System.Text.Json.Nodes.JsonObject
        {
            ["connectorId"] = Connector(request.ConnectorId, "connector_id", allowWholeCharger: true),
            ["type"] = OneOf(request.Type, "type", "Operative", "Inoperative"),
        });

    public override Task<CommandResult> TriggerMessage(TriggerMessageRequest request, ServerCallContext context)
    {
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["requestedMessage"] = OneOf(request.RequestedMessage, "requested_message",
                "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StatusNotification"),
        };
        if (request.ConnectorId != 0)
        {
            payload["connectorId"] = Connector(request.ConnectorId, "connector_id");
        }

        return Command(request.ChargerId, "TriggerMessage", payload);
    }

    private async Task<CommandResult> Command(string chargerId, string action, System.Text.Json.Nodes.JsonObject payload)
    {
        var answer = await grains.GetGrain<IChargerGrain>(Id(chargerId, "charger_id")).SendOcpp(action, payload.ToJsonString());
        var status = System.Text.Json.Nodes.JsonNode.Parse(answer)?["status"]?.GetValue<string>();
        return new CommandResult { Status = status ?? "" };
    }

    private static string OneOf(string value, string field, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? value : throw Invalid($"{field} must be one of {string.Join(", ", allowed)}");

    public override async Task<Charger> SetChargerSite(SetChargerSiteRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).SetSite(OptionalId(request.SiteId, "site_id"));
        return view.ToApi();
    }
}
