using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What an operator says about a site: its name, where it is (for CDRs and invoices) and its IANA time zone (for local times and reports).</summary>
[GenerateSerializer]
[Alias("charge.SiteInfo")]
public sealed record SiteInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] string Address = "",
    [property: Id(3)] string City = "",
    [property: Id(4)] string PostalCode = "",
    [property: Id(5)] string Country = "");

[GenerateSerializer]
[Alias("charge.SiteView")]
public sealed record SiteView(
    [property: Id(0)] string SiteId,
    [property: Id(1)] SiteInfo? Info,
    [property: Id(2)] ImmutableDictionary<string, int> Chargers)
{
    /// <summary>Connectors of the site's chargers (a charger not registered counts as one).</summary>
    public int ConnectorCount => Chargers.Values.Sum(c => Math.Max(1, c));
}

/// <summary>A charger's load now: sessions in progress and the sum of their last reported power.</summary>
[GenerateSerializer]
[Alias("charge.ChargerLive")]
public sealed record ChargerLive(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] int ActiveSessions,
    [property: Id(2)] double PowerW);

[GenerateSerializer]
[Alias("charge.SiteLive")]
public sealed record SiteLive(
    [property: Id(0)] string SiteId,
    [property: Id(1)] int ActiveSessions,
    [property: Id(2)] double PowerW,
    [property: Id(3)] ImmutableArray<ChargerLive> Chargers,
    [property: Id(4)] double? LimitW = null,
    [property: Id(5)] double AllowedW = 0);

/// <summary>A site, keyed by site ID: its description and its chargers (kept by the chargers as they join and leave).</summary>
[Alias("charge.ISiteGrain")]
public interface ISiteGrain : IGrainWithStringKey
{
    /// <summary>
    /// The key under which the chargers on no site are kept, as a site keeps its own: network figures (live load,
    /// connectors for utilisation) count them too. Never an API's site ID ('~' is not an ID character).
    /// </summary>
    public const string Unsited = "~unsited";

    [Alias("Put")]
    Task<SiteView> Put(SiteInfo info);

    [Alias("Get")]
    Task<SiteView> Get();

    /// <summary>A charger joined the site or changed its connector count.</summary>
    [Alias("AddCharger")]
    Task AddCharger(string chargerId, int connectorCount);

    [Alias("RemoveCharger")]
    Task RemoveCharger(string chargerId);

    /// <summary>Sessions in progress and power now, asked of each charger.</summary>
    [Alias("GetLive")]
    Task<SiteLive> GetLive();

    /// <summary>Deletes the site when no charger is on it (FailedPrecondition naming them otherwise; NotFound if it does not exist).</summary>
    [Alias("Delete")]
    Task Delete();
}

/// <summary>Every site ID (key <see cref="Key"/>), for network-wide live views and reports.</summary>
[Alias("charge.ISiteDirectoryGrain")]
public interface ISiteDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string siteId);

    [Alias("Remove")]
    Task Remove(string siteId);

    [Alias("List")]
    Task<ImmutableArray<string>> List();
}
