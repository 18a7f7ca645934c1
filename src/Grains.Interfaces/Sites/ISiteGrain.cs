using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
