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

        // OCPI's field lengths (Location: name 255, address 45, city 45, postal_code 10).
        var info = new SiteInfo(Text(request.Name, "name", 255, required: true), request.TimeZone, Text(request.Address, "address", 45),
            Text(request.City, "city", 45), Text(request.PostalCode, "postal_code", 10),
            Country(request.Country));
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
    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteSite(GetSiteRequest request, ServerCallContext context)
    {
        await grains.GetGrain<ISiteGrain>(Id(request.SiteId, "site_id")).Delete();
        return new Google.Protobuf.WellKnownTypes.Empty();
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

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<SiteBalance> SetSiteLimits(SetSiteLimitsRequest request, ServerCallContext context)
    {
        var siteId = Id(request.SiteId, "site_id");
        var site = await grains.GetGrain<ISiteGrain>(siteId).Get();
        if (site.Info is null && site.Chargers.IsEmpty)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"site '{siteId}' does not exist"));
        }

        SiteLimits? limits = null;
        if (request.GridLimitKw != 0 || request.GridLimitAmpsPerPhase != 0 || request.TimeOfDay.Count > 0)
        {
            var fromAmps = request.GridLimitAmpsPerPhase == 0 ? (double?)null
                : Kw(request.GridLimitAmpsPerPhase * 230 * 3 / 1000, "grid_limit_amps_per_phase (as kW on three phases at 230 V)");
            var grid = request.GridLimitKw == 0 && fromAmps is { } onlyAmps ? onlyAmps
                : Math.Min(Kw(request.GridLimitKw, "grid_limit_kw"), fromAmps ?? double.MaxValue);
            var windows = request.TimeOfDay.Select((w, i) =>
            {
                var field = $"time_of_day[{i}]";
                var kw = Kw(w.LimitKw, $"{field}.limit_kw");
                return kw > grid
                    ? throw Invalid($"{field}.limit_kw {kw} is above grid_limit_kw {grid}: a time-of-day limit only lowers the grid limit")
                    : new Grains.Interfaces.TimeOfDayLimit(Time(w.Start, $"{field}.start"), Time(w.End, $"{field}.end"), kw,
                        [.. w.Days.Select((d, j) => EnumName<DayOfWeek>(d, $"{field}.days[{j}]", "MONDAY ... SUNDAY (one day name per list entry)"))]);
            }).ToArray();
            if (windows.Any(w => w.Start == w.End))
            {
                throw Invalid("a time_of_day window must not start and end at the same time");
            }

            limits = new SiteLimits(grid, [.. windows], [.. request.PriorityGroups.Select((g, i) => Id(g, $"priority_groups[{i}]"))]);
        }

        var balance = await grains.GetGrain<ISiteLoadGrain>(siteId).SetLimits(limits, site.Info?.TimeZone ?? "UTC");
        // Chargers connected since before the change get the default profile their next boot would give them.
        await Task.WhenAll(site.Chargers.Select(c => grains.GetGrain<IChargerGrain>(c.Key).SiteLimitsChanged()));
        return ToApi(balance);
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<SiteBalance> GetSiteLoad(GetSiteRequest request, ServerCallContext context) =>
        ToApi(await grains.GetGrain<ISiteLoadGrain>(Id(request.SiteId, "site_id")).Get());

    /// <summary>A limit in kW: finite, at least one session's minimum (below it no car could charge), at most 100 MW.</summary>
    private static double Kw(double value, string field)
    {
        var min = SiteLimits.ThreePhaseMinimumW / 1000;
        return !double.IsFinite(value) || value < min || value > SiteLimits.MaxKw
            ? throw Invalid($"{field} must be between {min} kW (one session's minimum: 6 A on three phases) and {SiteLimits.MaxKw} kW")
            : value;
    }

    private static TimeOnly Time(string value, string field) =>
        TimeOnly.TryParseExact(value, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)
            ? t
            : throw Invalid($"{field} '{value}' must be HH:mm");

    private static SiteBalance ToApi(SiteLoadView v)
    {
        var load = new SiteBalance { SiteId = v.SiteId, GridLimitKw = v.Limits?.GridLimitKw ?? 0, AllowedW = v.AllowedW, AboveLimit = v.AboveLimit };
        if (v.DrawnW is { } drawn)
        {
            load.DrawnW = drawn;
            load.DrawnAt = Mapping.Ts(v.DrawnAt!.Value);
        }

        if (v.LimitInForceW is { } limit)
        {
            load.LimitInForceW = limit;
        }

        if (v.Limits is { } limits)
        {
            load.TimeOfDay.AddRange((limits.TimeOfDay.IsDefault ? [] : limits.TimeOfDay).Select(w =>
            {
                var api = new Api.V1.TimeOfDayLimit { Start = w.Start.ToString("HH:mm"), End = w.End.ToString("HH:mm"), LimitKw = w.LimitKw };
                api.Days.AddRange((w.Days.IsDefault ? [] : w.Days).Select(d => d.ToString().ToUpperInvariant()));
                return api;
            }));
            load.PriorityGroups.AddRange(limits.PriorityGroups.IsDefault ? [] : limits.PriorityGroups);
        }

        load.Sessions.AddRange(v.Sessions.Select(s =>
        {
            var api = new Api.V1.SessionAllowance { SessionId = s.SessionId, ChargerId = s.ChargerId, AllowanceW = s.AllowanceW, Controllable = s.Controllable,
                Overdrawing = s.Overdrawing };
            if (s.DrawW is { } draw)
            {
                api.DrawW = draw;
            }

            return api;
        }));
        return load;
    }

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
