using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>StatusNotification: a connector's (or, connector 0, the charge point's) status and error code.</summary>
public sealed class StatusNotificationHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<StatusNotificationRequest, Empty>(time)
{
    public override string Action => "StatusNotification";

    protected override StatusNotificationRequest Read(JsonElement payload) => OcppRequestReader.Status(Bind<StatusNotificationWire>(payload), Now);

    protected override async Task<Empty> Handle(string chargePointId, StatusNotificationRequest request)
    {
        await grains.Reference<IChargerStation>(chargePointId).ReportStatus(new StatusReport(
            request.ConnectorId, request.Status, request.ErrorCode == "NoError" ? "" : request.ErrorCode, request.Timestamp));
        return new();
    }
}
