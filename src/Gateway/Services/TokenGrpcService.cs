using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>The token registry, for operators: who may charge, in which group, how often at once, for which customer.</summary>
[Authorize(Policy = ChargeRoles.Policies.Operator)]
public sealed class TokenGrpcService(IGrainFactory grains) : TokenService.TokenServiceBase
{
    public override async Task<Token> PutToken(PutTokenRequest request, ServerCallContext context)
    {
        var idTag = Id(request.IdTag, "id_tag");
        var spec = new TokenSpec(
            Status(request.Status),
            request.ExpiresAt is null ? null : OptionalBound(request.ExpiresAt, "expires_at"),
            OptionalId(request.ParentIdTag, "parent_id_tag"),
            request.HasMaxConcurrentSessions ? request.MaxConcurrentSessions : null,
            OptionalId(request.CustomerId, "customer_id"),
            NullIfEmpty(Text(request.Label, "label", 255)));
        return ToApi(await grains.GetGrain<ITokenGrain>(idTag).Put(spec));
    }

    public override async Task<Token> GetToken(GetTokenRequest request, ServerCallContext context) =>
        ToApi(await grains.GetGrain<ITokenGrain>(Id(request.IdTag, "id_tag")).Get());

    public override async Task<ListTokensResponse> ListTokens(ListTokensRequest request, ServerCallContext context)
    {
        var (page, next) = await Paging.Keys(grains.GetGrain<ITokenDirectoryGrain>(ITokenDirectoryGrain.Key).List, request.PageSize, request.PageToken, Text(request.Prefix, "prefix", 100));
        var views = await Task.WhenAll(page.Select(tag => grains.GetGrain<ITokenGrain>(tag).Get()));
        var response = new ListTokensResponse { NextPageToken = next };
        response.Tokens.AddRange(views.Select(ToApi));
        return response;
    }

    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteToken(DeleteTokenRequest request, ServerCallContext context)
    {
        await grains.GetGrain<ITokenGrain>(Id(request.IdTag, "id_tag")).Delete();
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    public override async Task<TokenCheck> CheckToken(GetTokenRequest request, ServerCallContext context)
    {
        var idTag = Id(request.IdTag, "id_tag");
        var answer = await grains.GetGrain<ITokenGrain>(idTag).Authorize();
        return new TokenCheck
        {
            IdTag = idTag,
            Status = answer.Status.ToString(),
            ExpiryDate = answer.ExpiryDate is { } expiry ? Mapping.Ts(expiry) : null,
            ParentIdTag = answer.ParentIdTag ?? "",
            Reason = answer.Reason,
        };
    }

    private static TokenStatus Status(string value) => value.ToUpperInvariant() switch
    {
        "" or "ACCEPTED" => TokenStatus.Accepted,
        "BLOCKED" => TokenStatus.Blocked,
        "EXPIRED" => TokenStatus.Expired,
        "INVALID" => TokenStatus.Invalid,
        _ => throw Invalid($"status '{value}' must be ACCEPTED, BLOCKED, EXPIRED or INVALID"),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Token ToApi(TokenView v)
    {
        var token = new Token
        {
            IdTag = v.IdTag,
            Status = v.Spec.Status.ToString().ToUpperInvariant(),
            ExpiresAt = v.Spec.ExpiresAt is { } expiry ? Mapping.Ts(expiry) : null,
            ParentIdTag = v.Spec.ParentIdTag ?? "",
            CustomerId = v.Spec.CustomerId ?? "",
            Label = v.Spec.Label ?? "",
            UpdatedAt = Mapping.Ts(v.UpdatedAt),
            ActiveSessions = v.ActiveSessions,
        };
        if (v.Spec.MaxConcurrentSessions is { } max)
        {
            token.MaxConcurrentSessions = max;
        }

        return token;
    }
}
