using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>Keeps every version of one tariff; a session pins the version in force at its start, so a change never reprices it.</summary>
public sealed class TariffGrain(
    [PersistentState("tariff", StorageNames.Charge)] IPersistentState<TariffState> state,
    TimeProvider time) : Grain, ITariffGrain
{
    private string TariffId => this.GetPrimaryKeyString();

    public async Task<TariffSummary> Put(string ocpiJson, string? timeZone)
    {
        var tariff = OcpiTariffJson.Parse(ocpiJson, timeZone);
        if (tariff.Id != TariffId)
        {
            throw ChargeException.InvalidArgument($"id '{tariff.Id}' in the tariff differs from tariff_id '{TariffId}' in the request");
        }

        var versions = state.State.Versions;
        if (versions.Count > 0 && versions[^1].OcpiJson == ocpiJson && versions[^1].Tariff.TimeZone == tariff.TimeZone)
        {
            return versions[^1].Summary;
        }

        var created = time.GetUtcNow().UtcDateTime;
        if (versions.Count > 0 && created <= versions[^1].CreatedAt)
        {
            // Versions must be ordered in time for "in force at" to be unambiguous.
            created = versions[^1].CreatedAt.AddTicks(1);
        }

        var version = new TariffVersion(TariffId, versions.Count + 1, ocpiJson, tariff, created);
        versions.Add(version);
        await state.WriteOrUnavailable(GrainContext);
        await GrainFactory.GetGrain<ITariffCatalogGrain>(ITariffCatalogGrain.Key).Upsert(version.Summary);
        return version.Summary;
    }

    public async Task<ImmutableArray<string>> Explain(int? version) =>
        [.. Billing.TariffExplainer.Explain((await GetVersion(version)).Tariff)];

    public Task<TariffVersion> GetVersion(int? version)
    {
        var versions = state.State.Versions;
        if (versions.Count == 0)
        {
            throw ChargeException.NotFound($"tariff '{TariffId}' does not exist");
        }

        if (version is null)
        {
            return Task.FromResult(versions[^1]);
        }

        return version >= 1 && version <= versions.Count
            ? Task.FromResult(versions[version.Value - 1])
            : throw ChargeException.NotFound($"tariff '{TariffId}' has no version {version}; the latest is {versions.Count}");
    }

    public Task<TariffVersion> InForceAt(DateTime at)
    {
        var versions = state.State.Versions;
        if (versions.Count == 0)
        {
            throw ChargeException.NotFound($"tariff '{TariffId}' does not exist");
        }

        var inForce = versions[0];
        foreach (var v in versions)
        {
            if (v.CreatedAt <= at)
            {
                inForce = v;
            }
        }

        return Task.FromResult(inForce);
    }

    public async Task<PricedEstimate> Estimate(ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd)
    {
        var v = await InForceAt(periods.IsDefaultOrEmpty ? sessionEnd : periods[0].Start);
        return new PricedEstimate(new TariffRef(v.TariffId, v.Version), Telemetry.GrainMetrics.Priced("estimate", () => PricingEngine.Price(v.Tariff, periods, sessionEnd)));
    }

    public async Task<CostBreakdown> Price(int? version, ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd)
    {
        var v = await GetVersion(version);
        return Telemetry.GrainMetrics.Priced("estimate", () => PricingEngine.Price(v.Tariff, periods, sessionEnd));
    }
}

[GenerateSerializer]
[Alias("charge.TariffState")]
public sealed record TariffState
{
    [Id(0)] public List<TariffVersion> Versions { get; set; } = [];
}
