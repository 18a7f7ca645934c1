using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>Which tariff a charger's sessions are priced under, and what a planned session would cost there.</summary>
public static class TariffInForce
{
    /// <summary>The tariff version in force at <paramref name="at"/>: the charger's own assignment, else its site's; none when neither has one.</summary>
    public static async Task<TariffRef?> At(IGrainFactory grains, string chargerId, string? siteId, DateTime at, string? tariffGroup = null)
    {
        // A customer group's tariff wins over the public one of the charger or its site; without one, the public applies.
        var tariffId = tariffGroup is null ? null : await grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.GroupKey(tariffGroup)).Resolve(at);
        tariffId ??= await grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId)).Resolve(at);
        if (tariffId is null && siteId is not null)
        {
            tariffId = await grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.SiteKey(siteId)).Resolve(at);
        }

        if (tariffId is null)
        {
            return null;
        }

        var version = await grains.GetGrain<ITariffGrain>(tariffId).InForceAt(at);
        return new TariffRef(version.TariffId, version.Version);
    }

    /// <summary>Prices planned periods under the tariff that would be pinned if the session started at the first one.</summary>
    public static async Task<PricedEstimate> Estimate(IGrainFactory grains, string chargerId, string? siteId, ImmutableArray<ChargingPeriod> periods,
        DateTime sessionEnd, string? tariffGroup)
    {
        var start = periods.IsDefaultOrEmpty ? sessionEnd : periods[0].Start;
        var tariff = await At(grains, chargerId, siteId, start, tariffGroup)
            ?? throw ChargeException.FailedPrecondition($"charger '{chargerId}' has no tariff assigned at {start:O}");
        var version = await grains.GetGrain<ITariffGrain>(tariff.TariffId).GetVersion(tariff.Version);
        return new PricedEstimate(tariff, Telemetry.GrainMetrics.Priced("estimate", () => PricingEngine.Price(version.Tariff, periods, sessionEnd)));
    }
}
