using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>Authorize: the token registry's idTagInfo for the tag (status, expiry, parent); no session slot is taken.</summary>
public sealed class AuthorizeHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<AuthorizeRequest, AuthorizeResponse>(time)
{
    public override string Action => "Authorize";

    protected override AuthorizeRequest Read(JsonElement payload) => OcppRequestReader.Authorize(Bind<AuthorizeWire>(payload));

    protected override async Task<AuthorizeResponse> Handle(string chargePointId, AuthorizeRequest request) =>
        new(IdTagInfo.From(await grains.GetGrain<ITokenGrain>(request.IdTag).Authorize()));
}
