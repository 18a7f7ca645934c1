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

    public override async Task<Charger> SetChargerSite(SetChargerSiteRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).SetSite(OptionalId(request.SiteId, "site_id"));
        return view.ToApi();
    }
}
