using System.Text.Json.Nodes;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>Authorize: every well-formed id_tag is accepted (there is no tag registry yet).</summary>
public sealed class AuthorizeHandler(TimeProvider time) : OcppHandler<AuthorizeRequest, AuthorizeResponse>(time)
{
    public override string Action => "Authorize";

    protected override AuthorizeRequest Read(JsonObject payload) => OcppRequestReader.Authorize(payload);

    protected override Task<AuthorizeResponse> Handle(string chargePointId, AuthorizeRequest request) =>
        Task.FromResult(new AuthorizeResponse(IdTagInfo.Accepted));
}
