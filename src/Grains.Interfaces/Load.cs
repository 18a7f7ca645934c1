using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A lower limit for part of the day, in the site's local time (peak hours); days empty: every day.</summary>
[GenerateSerializer]
[Alias("charge.TimeOfDayLimit")]
public sealed record TimeOfDayLimit(
    [property: Id(0)] TimeOnly Start,
    [property: Id(1)] TimeOnly End,
    [property: Id(2)] double LimitKw,
    [property: Id(3)] ImmutableArray<DayOfWeek> Days = default);

/// <summary>
/// A site's grid connection and how its power is shared: the limit (kW), lower limits at times of day, and the
/// customer groups (tariff groups) served first.
/// </summary>
[GenerateSerializer]
[Alias("charge.SiteLimits")]
public sealed record SiteLimits(
    [property: Id(0)] double GridLimitKw,
    [property: Id(1)] ImmutableArray<TimeOfDayLimit> TimeOfDay = default,
    [property: Id(2)] ImmutableArray<string> PriorityGroups = default)
{
    /// <summary>A site limit beyond this (100 MW) is a typo.</summary>
    public const double MaxKw = 100_000;

    /// <summary>The IEC 61851 minimum charging current (6 A) on three phases at 230 V: below it a car does not charge.</summary>
    public const double ThreePhaseMinimumW = 6 * 230 * 3;

    public const double SinglePhaseMinimumW = 6 * 230;
}

/// <summary>A session running on a site, as the load balancer sees it.</summary>
[GenerateSerializer]
[Alias("charge.LoadSession")]
public sealed record LoadSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] int ConnectorId,
    [property: Id(3)] double MaxW,
    [property: Id(4)] double MinW,
    [property: Id(5)] string? TariffGroup);

[GenerateSerializer]
[Alias("charge.SessionAllowance")]
public sealed record SessionAllowance(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] double AllowanceW,
    [property: Id(3)] double? DrawW,
    [property: Id(4)] bool Controllable,
    [property: Id(5)] bool Overdrawing = false);

/// <summary>
/// How a site's load balancer held one local day (or a range): the peak of what it allowed, the time the sessions
/// together were given all of the limit, and the energy the sessions would have taken beyond their allowances.
/// </summary>
[GenerateSerializer]
[Alias("charge.LoadDay")]
public sealed record LoadDay(
    [property: Id(0)] double PeakAllowedW,
    [property: Id(1)] double SecondsAtLimit,
    [property: Id(2)] double DeferredWh)
{
    public static readonly LoadDay Empty = new(0, 0, 0);

    public LoadDay Add(LoadDay other) => new(Math.Max(PeakAllowedW, other.PeakAllowedW), SecondsAtLimit + other.SecondsAtLimit, DeferredWh + other.DeferredWh);
}

/// <summary>A site's load now: its limit in force, what it allowed each session, and their last draw.</summary>
[GenerateSerializer]
[Alias("charge.SiteLoadView")]
public sealed record SiteLoadView(
    [property: Id(0)] string SiteId,
    [property: Id(1)] SiteLimits? Limits,
    [property: Id(2)] double? LimitInForceW,
    [property: Id(3)] ImmutableArray<SessionAllowance> Sessions,
    [property: Id(4)] double? DrawnW = null,
    [property: Id(5)] DateTime? DrawnAt = null)
{
    public double AllowedW => Sessions.Sum(s => s.AllowanceW);

    /// <summary>Whether the site's last measured draw is above its limit in force.</summary>
    public bool AboveLimit => DrawnW is { } drawn && LimitInForceW is { } limit && drawn > limit;
}

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
