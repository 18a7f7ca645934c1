using System.Collections.Immutable;
using System.Text;
using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Charge.Grains.Interfaces.Tariffs;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using static Charge.Gateway.Services.RequestValidation;
using ApiTariffAssignment = Charge.Api.V1.TariffAssignment;
using DomainTariffAssignment = Charge.Grains.Interfaces.Tariffs.TariffAssignment;

namespace Charge.Gateway.Services;

/// <summary>Tariffs: put and get OCPI documents, list, assign to chargers and sites, estimate.</summary>
public sealed class TariffGrpcService(IGrainFactory grains, TimeProvider time) : TariffService.TariffServiceBase
{
    /// <summary>OCPI tariffs with hundreds of elements exist (hourly prices for weeks); this leaves ample room.</summary>
    public const int MaxTariffBytes = 256 * 1024;

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<TariffInfo> PutTariff(PutTariffRequest request, ServerCallContext context)
    {
        var tariffId = Id(request.TariffId, "tariff_id");
        if (request.Ocpi is null || request.Ocpi.Data.IsEmpty)
        {
            throw Invalid("the body must be an OCPI 2.2.1 Tariff as JSON");
        }

        if (request.Ocpi.Data.Length > MaxTariffBytes)
        {
            throw Invalid($"the tariff is larger than {MaxTariffBytes / 1024} KiB");
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, true).GetString(request.Ocpi.Data.Span);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("the tariff is not UTF-8 text");
        }

        var zone = string.IsNullOrEmpty(request.TimeZone) ? null : request.TimeZone;
        var summary = await grains.GetGrain<ITariffGrain>(tariffId).Put(json, zone);
        return ToApi(summary);
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<HttpBody> GetTariff(GetTariffRequest request, ServerCallContext context)
    {
        var tariffId = Id(request.TariffId, "tariff_id");
        if (request.Version < 0)
        {
            throw Invalid("version must be 1 or more (0: the latest)");
        }

        var version = await grains.GetGrain<ITariffGrain>(tariffId).GetVersion(request.Version == 0 ? null : request.Version);
        return new HttpBody { ContentType = "application/json", Data = ByteString.CopyFromUtf8(version.OcpiJson) };
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<TariffDescription> DescribeTariff(GetTariffRequest request, ServerCallContext context)
    {
        var tariffId = Id(request.TariffId, "tariff_id");
        if (request.Version < 0)
        {
            throw Invalid("version must be 1 or more (0: the latest)");
        }

        var grain = grains.GetGrain<ITariffGrain>(tariffId);
        var version = await grain.GetVersion(request.Version == 0 ? null : request.Version);
        var description = new TariffDescription { Tariff = ToApi(version.Summary) };
        description.Sentences.AddRange(await grain.Explain(version.Version));
        return description;
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<ListTariffsResponse> ListTariffs(ListTariffsRequest request, ServerCallContext context)
    {
        var list = await grains.GetGrain<ITariffCatalogGrain>(ITariffCatalogGrain.Key).List();
        var response = new ListTariffsResponse();
        response.Tariffs.AddRange(list.Select(ToApi));
        return response;
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<TariffAssignments> AssignTariff(AssignTariffRequest request, ServerCallContext context)
    {
        var (chargerId, siteId, key) = Target(request.ChargerId, request.SiteId, request.TariffGroup);
        var assignment = new DomainTariffAssignment(
            Id(request.TariffId, "tariff_id"),
            request.EffectiveFrom is null ? Now : Planned(request.EffectiveFrom, "effective_from"));
        // What the tariff is assigned to must exist: an assignment to a typo would price nothing, silently.
        if (chargerId is not null)
        {
            await grains.GetGrain<IChargerGrain>(chargerId).GetView();
        }
        else if (siteId is not null && (await grains.GetGrain<ISiteGrain>(siteId).Get()).Info is null)
        {
            throw ChargeException.NotFound($"site '{siteId}' does not exist: create it with PutSite first");
        }

        var all = await grains.GetGrain<ITariffAssignmentGrain>(key).Assign(assignment);
        var response = new TariffAssignments();
        response.Assignments.AddRange(all.Select(a => new ApiTariffAssignment { TariffId = a.TariffId, EffectiveFrom = Mapping.Ts(a.EffectiveFrom) }));
        return response;
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<TariffAssignments> GetTariffAssignments(GetTariffAssignmentsRequest request, ServerCallContext context)
    {
        var (_, _, key) = Target(request.ChargerId, request.SiteId, request.TariffGroup);
        var response = new TariffAssignments();
        response.Assignments.AddRange((await grains.GetGrain<ITariffAssignmentGrain>(key).List())
            .Select(a => new ApiTariffAssignment { TariffId = a.TariffId, EffectiveFrom = Mapping.Ts(a.EffectiveFrom) }));
        return response;
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<Cost> EstimateCost(EstimateCostRequest request, ServerCallContext context)
    {
        var tariffId = OptionalId(request.TariffId, "tariff_id");
        var chargerId = OptionalId(request.ChargerId, "charger_id");
        if ((tariffId is null) == (chargerId is null))
        {
            throw Invalid("give exactly one of tariff_id and charger_id");
        }

        var start = request.PlannedStart is null ? Now : Planned(request.PlannedStart, "planned_start");
        var kwh = double.IsFinite(request.EnergyKwh) && request.EnergyKwh is >= 0 and <= 100_000
            ? (decimal)request.EnergyKwh
            : throw Invalid("energy_kwh must be a finite number of kWh between 0 and 100000");
        var week = (long)TimeSpan.FromDays(7).TotalSeconds;
        if (request.ChargingSeconds is <= 0 || request.ChargingSeconds > week)
        {
            throw Invalid($"charging_seconds must be between 1 and {week}");
        }

        if (request.ParkingSeconds < 0 || request.ParkingSeconds > week)
        {
            throw Invalid($"parking_seconds must be between 0 and {week}");
        }

        var hours = request.ChargingSeconds / 3600m;
        var periods = ImmutableArray.CreateBuilder<ChargingPeriod>();
        var current = NonNegative(request.HasCurrentA, request.CurrentA, "current_a", 10_000);
        periods.Add(new ChargingPeriod(start, kwh, hours, 0m, (double)(kwh / hours), current));
        var end = start.AddSeconds(request.ChargingSeconds);
        if (request.ParkingSeconds > 0)
        {
            periods.Add(new ChargingPeriod(end, 0m, 0m, request.ParkingSeconds / 3600m, 0.0, current));
            end = end.AddSeconds(request.ParkingSeconds);
        }

        var estimate = tariffId is not null
            ? await grains.GetGrain<ITariffGrain>(tariffId).Estimate(periods.ToImmutable(), end)
            : await grains.GetGrain<IChargerGrain>(chargerId!).Estimate(periods.ToImmutable(), end, await TariffGroupOf(request, context));
        return estimate.Cost.ToApi(estimate.Tariff);
    }

    /// <summary>The customer group an estimate is for: the id_tag's customer's (a driver may name only their own tags), or the customer's (operators).</summary>
    private async Task<string?> TariffGroupOf(EstimateCostRequest request, ServerCallContext context)
    {
        var idTag = OptionalId(request.IdTag, "id_tag");
        var customerId = OptionalId(request.CustomerId, "customer_id");
        if (idTag is not null && customerId is not null)
        {
            throw Invalid("give at most one of id_tag and customer_id");
        }

        var caller = context.Caller();
        if (idTag is not null)
        {
            Access.EnsureOwnIdTag(caller, idTag);
            customerId = (await grains.GetGrain<ITokenGrain>(idTag).Get()).Spec.CustomerId;
        }
        else if (customerId is not null)
        {
            if (!caller.IsOperator())
            {
                throw Access.Denied("only operators estimate for a customer_id; a driver gives one of their id_tags");
            }

            await grains.GetGrain<ICustomerGrain>(customerId).Get();
        }

        return customerId is null ? null : await grains.GetGrain<ICustomerGrain>(customerId).GetTariffGroup();
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>What an assignment is for: exactly one of a charger, a site and a customer group, and its grain's key.</summary>
    private static (string? ChargerId, string? SiteId, string Key) Target(string charger, string site, string tariffGroup)
    {
        var chargerId = OptionalId(charger, "charger_id");
        var siteId = OptionalId(site, "site_id");
        var group = OptionalId(tariffGroup, "tariff_group");
        if (new[] { chargerId, siteId, group }.Count(x => x is not null) != 1)
        {
            throw Invalid("give exactly one of charger_id, site_id and tariff_group");
        }

        return (chargerId, siteId, chargerId is not null ? ITariffAssignmentGrain.ChargerKey(chargerId)
            : siteId is not null ? ITariffAssignmentGrain.SiteKey(siteId)
            : ITariffAssignmentGrain.GroupKey(group!));
    }

    private static TariffInfo ToApi(TariffSummary s) => new()
    {
        TariffId = s.TariffId,
        Version = s.Version,
        Currency = s.Currency,
        TimeZone = s.TimeZone,
        CreatedAt = Mapping.Ts(s.CreatedAt),
    };
}
