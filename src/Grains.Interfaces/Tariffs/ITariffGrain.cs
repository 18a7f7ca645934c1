using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>A tariff, keyed by its OCPI tariff ID: every version ever put, never changed once stored.</summary>
[Alias("charge.ITariffGrain")]
public interface ITariffGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores OCPI JSON as a new version; the same document again returns the latest version unchanged.</summary>
    [Alias("Put")]
    Task<TariffSummary> Put(string ocpiJson, string? timeZone);

    /// <summary>A version, or the latest when <paramref name="version"/> is null; NotFound if there is none.</summary>
    [Alias("GetVersion")]
    Task<TariffVersion> GetVersion(int? version);

    /// <summary>The version in force at an instant: the latest created by then (the first one for earlier instants).</summary>
    [Alias("InForceAt")]
    Task<TariffVersion> InForceAt(DateTime at);

    /// <summary>Prices periods under a version (latest when null).</summary>
    [Alias("Price")]
    Task<CostBreakdown> Price(int? version, ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd);

    /// <summary>Prices planned periods under the version in force at their start.</summary>
    [Alias("Estimate")]
    Task<PricedEstimate> Estimate(ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd);

    /// <summary>A version (latest when null) in sentences, as its invoices state it.</summary>
    [Alias("Explain")]
    Task<ImmutableArray<string>> Explain(int? version);
}
