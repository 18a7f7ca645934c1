using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A site's load balancer (keyed by site ID): shares the site's limit among its sessions whenever one starts or
/// stops, a car draws less than it was given, a charger refuses to be limited, or the limit changes, and sends
/// each charger its sessions' allowances.
/// </summary>
[Alias("charge.ISiteLoadGrain")]
public interface ISiteLoadGrain : IGrainWithStringKey
{
    /// <summary>Sets (or with null removes) the limits; <paramref name="timeZone"/> is the site's, for time-of-day limits.</summary>
    [Alias("SetLimits")]
    Task<SiteLoadView> SetLimits(SiteLimits? limits, string timeZone);

    /// <summary>The site's time zone changed (its time-of-day limits follow it). The site grain tells; this grain never calls it back.</summary>
    [Alias("SiteZone")]
    Task SiteZone(string timeZone);

    [Alias("Get")]
    Task<SiteLoadView> Get();

    [Alias("Started")]
    Task Started(LoadSession session);

    [Alias("Ended")]
    Task Ended(string sessionId);

    /// <summary>A car's draw changed against its allowance (the charger reports it, not every reading).</summary>
    [Alias("Drawing")]
    Task Drawing(string sessionId, double powerW);

    /// <summary>The charger cannot be limited for this session (rejected, no smart charging, offline): counted at its maximum.</summary>
    [Alias("Uncontrollable")]
    Task Uncontrollable(string sessionId);

    /// <summary>
    /// The charger confirmed the session's allowance but its car kept drawing clearly more: the session is counted at
    /// its draw and shown as not obeying until the charger connects again.
    /// </summary>
    [Alias("Overdrawing")]
    Task Overdrawing(string sessionId, double powerW);

    /// <summary>
    /// Drops the sessions held that no longer run on a charger of the site (their end was not told); how many. Run by
    /// the balancer itself soon after activation and every few minutes. Interleaves: it asks chargers that may be
    /// telling this grain of a start or stop.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("CheckSessions")]
    Task<int> CheckSessions();

    /// <summary>The charger is reachable again (a new socket or stream): a session counted as not limited is limited again.</summary>
    [Alias("Controllable")]
    Task Controllable(string sessionId);

    /// <summary>
    /// The charger confirmed an allowance of the session (OCPP Accepted and verified, or written to the station's
    /// stream): the one it names, since an earlier raise's answer may arrive after a lowering was sent.
    /// </summary>
    [Alias("Applied")]
    Task Applied(string sessionId, double allowanceW);

    /// <summary>The load balancer's days in [from, to] (local dates), added up.</summary>
    [Alias("Days")]
    Task<LoadDay> Days(DateOnly from, DateOnly to);
}
