using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>BootNotification: what the charge point is (vendor, model, firmware, serial) is recorded; it is accepted and told the heartbeat interval and the time.</summary>
public sealed class BootNotificationHandler(IGrainFactory grains, TimeProvider time, IOptions<OcppOptions> options)
    : OcppHandler<BootNotificationRequest, BootNotificationResponse>(time)
{
    public override string Action => "BootNotification";

    protected override BootNotificationRequest Read(JsonElement payload) => OcppRequestReader.Boot(Bind<BootNotificationWire>(payload));

    protected override async Task<BootNotificationResponse> Handle(string chargePointId, BootNotificationRequest request)
    {
        var now = await grains.Reference<IChargerStation>(chargePointId)
            .Boot(new BootInfo(request.ChargePointVendor, request.ChargePointModel, request.FirmwareVersion, request.SerialNumber, Now));
        return new BootNotificationResponse("Accepted", OcppJson.Time(now), options.Value.HeartbeatIntervalSeconds);
    }
}
