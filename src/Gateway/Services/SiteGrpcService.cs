using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Sites: what an operator says about them; chargers join with SetChargerSite or RegisterCharger.</summary>
public sealed class SiteGrpcService(IGrainFactory grains) : SiteService.SiteServiceBase
{
    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Site> PutSite(PutSiteRequest request, ServerCallContext context)
    {
        var siteId = Id(request.SiteId, "site_id");
        if (Charge.Grains.Interfaces.TimeZones.Problem(request.TimeZone, "time_zone") is { } problem)
        {
            throw Invalid(problem);
        }

        var info = new SiteInfo(Text(request.Name, "name", 255, required: true), request.TimeZone, Text(request.Address, "address", 45),
            Text(request.City, "city", 45), Text(request.PostalCode, "postal_code", 10),
            request.Country.Length is 0 or 3 && request.Country.All(char.IsAsciiLetterUpper) ? request.Country : throw Invalid("country must be ISO 3166-1 alpha-3, e.g. NLD"));
        return ToApi(await grains.GetGrain<ISiteGrain>(siteId).Put(info));
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Site> GetSite(GetSiteRequest request, ServerCallContext context)
    {
        var siteId = Id(request.SiteId, "site_id");
        var view = await grains.GetGrain<ISiteGrain>(siteId).Get();
        return view.Info is null && view.Chargers.IsEmpty
            ? throw new RpcException(new Status(StatusCode.NotFound, $"site '{siteId}' does not exist"))
            : ToApi(view);
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<ListSitesResponse> ListSites(ListSitesRequest request, ServerCallContext context)
    {
        var ids = await grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).List();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISiteGrain>(id).Get()));
        var response = new ListSitesResponse();
        response.Sites.AddRange(views.Select(ToApi));
        return response;
    }

    /// <summary>OCPI's field lengths (Location: name 255, address 45, city 45, postal_code 10).</summary>
    private static string Text(string value, string field, int max, bool required = false) =>
        required && string.IsNullOrWhiteSpace(value) ? throw Invalid($"{field} is required")
        : value.Length > max ? throw Invalid($"{field} is longer than {max} characters")
        : value;

    private static Site ToApi(SiteView v)
    {
        var site = new Site
        {
            SiteId = v.SiteId,
            Name = v.Info?.Name ?? "",
            TimeZone = v.Info?.TimeZone ?? "",
            Address = v.Info?.Address ?? "",
            City = v.Info?.City ?? "",
            PostalCode = v.Info?.PostalCode ?? "",
            Country = v.Info?.Country ?? "",
            ConnectorCount = v.ConnectorCount,
        };
        site.ChargerIds.AddRange(v.Chargers.Keys.Order(StringComparer.Ordinal));
        return site;
    }
}
