using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>One stored version of a tariff: the OCPI JSON exactly as put, and what it parses to.</summary>
[GenerateSerializer]
[Alias("charge.TariffVersion")]
public sealed record TariffVersion(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version,
    [property: Id(2)] string OcpiJson,
    [property: Id(3)] Tariff Tariff,
    [property: Id(4)] DateTime CreatedAt)
{
    public TariffSummary Summary => new(TariffId, Version, Tariff.Currency, Tariff.TimeZone, CreatedAt);
}

[GenerateSerializer]
[Alias("charge.TariffSummary")]
public sealed record TariffSummary(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version,
    [property: Id(2)] string Currency,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] DateTime CreatedAt);

/// <summary>Which tariff version prices a session: pinned at its start.</summary>
[GenerateSerializer]
[Alias("charge.TariffRef")]
public sealed record TariffRef(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version);

/// <summary>A price with the tariff version that made it.</summary>
[GenerateSerializer]
[Alias("charge.PricedEstimate")]
public sealed record PricedEstimate(
    [property: Id(0)] TariffRef Tariff,
    [property: Id(1)] CostBreakdown Cost);

/// <summary>From <see cref="EffectiveFrom"/> on, sessions starting on the charger or site are priced by the tariff.</summary>
[GenerateSerializer]
[Alias("charge.TariffAssignment")]
public sealed record TariffAssignment(
    [property: Id(0)] string TariffId,
    [property: Id(1)] DateTime EffectiveFrom);

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
}

/// <summary>The list of tariffs, for operators.</summary>
[Alias("charge.ITariffCatalogGrain")]
public interface ITariffCatalogGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Upsert")]
    Task Upsert(TariffSummary summary);

    [Alias("List")]
    Task<ImmutableArray<TariffSummary>> List();
}

/// <summary>Tariff assignments of one charger, site or customer group, keyed "charger:{id}", "site:{id}" or "group:{name}".</summary>
[Alias("charge.ITariffAssignmentGrain")]
public interface ITariffAssignmentGrain : IGrainWithStringKey
{
    public static string ChargerKey(string chargerId) => $"charger:{chargerId}";

    public static string SiteKey(string siteId) => $"site:{siteId}";

    /// <summary>A customer group's tariff (members, a fleet): it wins over the charger's and site's for the group's tags.</summary>
    public static string GroupKey(string tariffGroup) => $"group:{tariffGroup}";

    [Alias("Assign")]
    Task<ImmutableArray<TariffAssignment>> Assign(TariffAssignment assignment);

    /// <summary>The tariff assigned at an instant, if any.</summary>
    [Alias("Resolve")]
    Task<string?> Resolve(DateTime at);

    [Alias("List")]
    Task<ImmutableArray<TariffAssignment>> List();
}
