using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>Heartbeat: liveness, answered with the central system's time.</summary>
public sealed class HeartbeatHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<Empty, HeartbeatResponse>(time)
{
    public override string Action => "Heartbeat";

    protected override Empty Read(JsonElement payload) => new();

    protected override async Task<HeartbeatResponse> Handle(string chargePointId, Empty request) =>
        new(OcppJson.Time(await grains.Reference<IChargerStation>(chargePointId).Heartbeat(Now)));
}
