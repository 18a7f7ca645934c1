using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sites;

[GenerateSerializer]
[Alias("charge.LoadEntry")]
public sealed record LoadEntry
{
    [Id(0)] public required LoadSession Session { get; init; }

    /// <summary>Start order: when the share is too small, the last to start pauses first.</summary>
    [Id(1)] public long Order { get; init; }
    [Id(2)] public double AllowanceW { get; set; }
    [Id(3)] public bool Controllable { get; set; } = true;
    [Id(4)] public double? DrawW { get; set; }

    /// <summary>Whether the charger was told an allowance yet.</summary>
    [Id(5)] public bool Told { get; set; }

    /// <summary>When <see cref="DrawW"/> was reported.</summary>
    [Id(6)] public DateTime? DrawAt { get; set; }

    /// <summary>A lowered allowance sent and not yet confirmed by the charger (raises elsewhere wait for it), and when.</summary>
    [Id(7)] public bool AwaitingAck { get; set; }
    [Id(8)] public DateTime? SentAt { get; set; }

    /// <summary>A raised allowance held back until the decreases that make room for it are confirmed.</summary>
    [Id(9)] public double? HeldRaiseW { get; set; }
}

[GenerateSerializer]
[Alias("charge.SiteLoadState")]
public sealed record SiteLoadState
{
    [Id(0)] public SiteLimits? Limits { get; set; }
    [Id(1)] public Dictionary<string, LoadEntry> Sessions { get; set; } = [];
    [Id(2)] public long NextOrder { get; set; }

    /// <summary>The site's IANA zone, kept here so the balancer never calls the site grain (which calls it for live load).</summary>
    [Id(3)] public string TimeZone { get; set; } = "UTC";

    /// <summary>Per local day (yyyy-MM-dd): peak allowed, time at the limit, energy deferred; the last 400 days.</summary>
    [Id(4)] public Dictionary<string, LoadDay> Days { get; set; } = [];

    /// <summary>Since when the current shares hold, and what they were: the next change integrates the interval.</summary>
    [Id(5)] public DateTime? SharedSince { get; set; }
    [Id(6)] public double SharedAllowedW { get; set; }
    [Id(7)] public double SharedLimitW { get; set; }
    [Id(8)] public double SharedDeferredW { get; set; }
}

/// <summary>
/// One site's load balancer: keeps the sessions running on the site (written, so a reactivation still knows them)
/// and shares the limit in force among them with <see cref="LoadAllocator"/> at every change, telling each charger
/// its sessions' new allowances. Without limits it only keeps the list.
/// </summary>
public sealed partial class SiteLoadGrain(
    [PersistentState("siteload", StorageNames.Charge)] IPersistentState<SiteLoadState> state,
    TimeProvider time,
    ILogger<SiteLoadGrain> logger) : Grain, ISiteLoadGrain
{
    /// <summary>A change smaller than this (W, or 2 %) is not worth a new charging profile.</summary>
    public const double Hysteresis = 100;

    /// <summary>How long a lowered allowance may wait for its charger's confirmation before the charger is taken as not limited.</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(45);

    private IGrainTimer? _ackWatch;

    /// <summary>How long an uncontrollable session's last measured draw stands for it before its maximum does.</summary>
    public static readonly TimeSpan DrawGrace = TimeSpan.FromMinutes(5);

    private IGrainTimer? _boundary;

    private string SiteId => this.GetPrimaryKeyString();

    private SiteLoadState State => state.State;

    public async Task<SiteLoadView> SetLimits(SiteLimits? limits, string timeZone)
    {
        State.Limits = limits;
        State.TimeZone = timeZone;
        await state.WriteStateAsync();
        await Rebalance(liftWhenUnlimited: true);
        return await Get();
    }

    public async Task SiteZone(string timeZone)
    {
        if (State.TimeZone != timeZone)
        {
            State.TimeZone = timeZone;
            await state.WriteStateAsync();
        }
    }

    public Task<SiteLoadView> Get() => Task.FromResult(new SiteLoadView(SiteId, State.Limits, LimitInForceW(),
        [.. State.Sessions.Values.OrderBy(e => e.Order)
            .Select(e => new SessionAllowance(e.Session.SessionId, e.Session.ChargerId, e.AllowanceW, e.DrawW, e.Controllable))]));

    public async Task Started(LoadSession session)
    {
        if (State.Sessions.ContainsKey(session.SessionId))
        {
            return;
        }

        // Nothing allowed until told: the charger's default profile (one session's minimum) holds meanwhile.
        State.Sessions[session.SessionId] = new LoadEntry { Session = session, Order = State.NextOrder++, AllowanceW = 0 };
        await state.WriteStateAsync();
        await Rebalance();
    }

    public async Task Ended(string sessionId)
    {
        if (State.Sessions.Remove(sessionId))
        {
            await state.WriteStateAsync();
            await Rebalance();
        }
    }

    public async Task Drawing(string sessionId, double powerW)
    {
        if (State.Sessions.TryGetValue(sessionId, out var entry))
        {
            // Not written: a draw is a moment's observation; a reactivation starts from the maxima again.
            entry.DrawW = powerW;
            entry.DrawAt = time.GetUtcNow().UtcDateTime;
            await Rebalance();
        }
    }

    public async Task Uncontrollable(string sessionId)
    {
        if (State.Sessions.TryGetValue(sessionId, out var entry) && entry.Controllable)
        {
            entry.Controllable = false;
            entry.AllowanceW = entry.Session.MaxW;
            entry.AwaitingAck = false;
            entry.HeldRaiseW = null;
            await state.WriteStateAsync();
            LogUncontrollable(SiteId, sessionId);
            await Rebalance();
        }
    }

    /// <summary>Shares the limit in force and tells the chargers whose sessions' allowances changed.</summary>
    private async Task Rebalance(bool liftWhenUnlimited = false)
    {
        if (State.Limits is null)
        {
            if (liftWhenUnlimited)
            {
                // The limit was taken away: the chargers clear their profiles; every session may draw its maximum again.
                foreach (var entry in State.Sessions.Values.Where(e => e.Controllable))
                {
                    entry.AllowanceW = entry.Session.MaxW;
                    entry.Told = true;
                    _ = GrainFactory.GetGrain<IChargerGrain>(entry.Session.ChargerId).ApplyAllowance(entry.Session.SessionId, double.PositiveInfinity);
                }
            }

            return;
        }

        var limitW = LimitInForceW() ?? double.MaxValue;
        var priorities = State.Limits.PriorityGroups.IsDefault ? [] : State.Limits.PriorityGroups;
        var claims = State.Sessions.Values.OrderBy(e => e.Order).Select(e => new PowerClaim(
            e.Session.SessionId, Demand(e), e.Session.MinW,
            e.Session.TariffGroup is { } group && priorities.Contains(group) ? 1 : 0,
            e.Controllable)).ToList();
        var allowances = LoadAllocator.Allocate(limitW, claims);
        Account(limitW, allowances.Values.Sum(),
            claims.Where(c => c.Controllable).Sum(c => Math.Max(0, c.DemandW - allowances[c.SessionId])));
        // Two phases: lowered allowances go out at once; raised ones wait until every lowered one is confirmed by its
        // charger (or given up on), so an increase never reaches a charger before the room for it exists.
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in State.Sessions.Values.Where(e => e.Controllable))
        {
            var allowance = allowances[entry.Session.SessionId];
            if (entry.Told && Math.Abs(allowance - entry.AllowanceW) <= Math.Max(Hysteresis, 0.02 * entry.AllowanceW))
            {
                entry.HeldRaiseW = null;
                continue;
            }

            if (entry.Told && allowance < entry.AllowanceW)
            {
                entry.AllowanceW = allowance;
                entry.HeldRaiseW = null;
                entry.AwaitingAck = true;
                entry.SentAt = now;
                Tell(entry);
            }
            else
            {
                entry.HeldRaiseW = allowance;
            }
        }

        ReleaseRaises();
        ScheduleBoundary();
    }

    public async Task Controllable(string sessionId)
    {
        if (State.Sessions.TryGetValue(sessionId, out var entry) && !entry.Controllable)
        {
            entry.Controllable = true;
            // Counted at its maximum until now: what it is given next is told as new (a raise waits for lowerings).
            entry.Told = false;
            await state.WriteStateAsync();
            await Rebalance();
        }
    }

    public Task Applied(string sessionId)
    {
        if (State.Sessions.TryGetValue(sessionId, out var entry) && entry.AwaitingAck)
        {
            entry.AwaitingAck = false;
            ReleaseRaises();
        }

        return Task.CompletedTask;
    }

    /// <summary>Sends the held raises once no lowered allowance is waiting for its charger's confirmation.</summary>
    private void ReleaseRaises()
    {
        if (State.Sessions.Values.Any(e => e.AwaitingAck))
        {
            return;
        }

        foreach (var entry in State.Sessions.Values.Where(e => e.Controllable && e.HeldRaiseW is not null))
        {
            entry.AllowanceW = entry.HeldRaiseW!.Value;
            entry.HeldRaiseW = null;
            Tell(entry);
        }
    }

    /// <summary>A lowered allowance not confirmed in time: that charger is not limited; its session counts at its maximum.</summary>
    private async Task GiveUpOnSilentChargers()
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in State.Sessions.Values.Where(e => e.AwaitingAck && e.SentAt is { } sent && now - sent > AckTimeout).ToArray())
        {
            await Uncontrollable(entry.Session.SessionId);
        }
    }

    public Task<LoadDay> Days(DateOnly from, DateOnly to)
    {
        Account(State.SharedLimitW, State.SharedAllowedW, State.SharedDeferredW);
        var total = LoadDay.Empty;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (State.Days.TryGetValue(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), out var d))
            {
                total = total.Add(d);
            }
        }

        return Task.FromResult(total);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // The statistics since the last write (a draw change is not written on its own).
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStatsNotWritten(e, SiteId);
        }
    }

    /// <summary>
    /// Adds the interval since the last change to its local days (split at local midnight), with the shares that
    /// held in it, then starts a new interval with these.
    /// </summary>
    private void Account(double limitW, double allowedW, double deferredW)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (State.SharedSince is { } since && now > since && State.SharedLimitW > 0)
        {
            var zone = Zone;
            var cursor = since;
            while (cursor < now)
            {
                var local = TimeZoneInfo.ConvertTimeFromUtc(cursor, zone);
                var nextMidnight = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local.Date.AddDays(1), DateTimeKind.Unspecified), zone);
                var end = nextMidnight < now && nextMidnight > cursor ? nextMidnight : now;
                var seconds = (end - cursor).TotalSeconds;
                var key = local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var day = State.Days.GetValueOrDefault(key, LoadDay.Empty);
                var atLimit = State.SharedAllowedW >= 0.99 * State.SharedLimitW;
                State.Days[key] = day.Add(new LoadDay(State.SharedAllowedW, atLimit ? seconds : 0, State.SharedDeferredW * seconds / 3600));
                cursor = end;
            }

            while (State.Days.Count > 400)
            {
                State.Days.Remove(State.Days.Keys.Min(StringComparer.Ordinal)!);
            }
        }

        State.SharedSince = now;
        State.SharedAllowedW = allowedW;
        State.SharedLimitW = limitW == double.MaxValue ? 0 : limitW;
        State.SharedDeferredW = deferredW;
        if (allowedW > 0)
        {
            var key = TimeZoneInfo.ConvertTimeFromUtc(now, Zone)
                .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            State.Days[key] = State.Days.GetValueOrDefault(key, LoadDay.Empty).Add(new LoadDay(allowedW, 0, 0));
        }
    }

    /// <summary>
    /// What a session can use: its maximum, unless its car draws clearly less than it was given (then a little
    /// above the draw, so a car that wants more shows it by drawing all it is given).
    /// </summary>
    private double Demand(LoadEntry e) =>
        !e.Controllable
            // A session that cannot be limited draws what it draws: its last measured draw for a grace period, then
            // (the draw may have grown unseen) its maximum.
            ? e.DrawW is { } measured && e.DrawAt is { } at && time.GetUtcNow().UtcDateTime - at <= DrawGrace ? measured : e.Session.MaxW
        : e.DrawW is { } draw && e.Told && draw < 0.8 * e.AllowanceW ? Math.Min(e.Session.MaxW, Math.Max(draw * 1.2, e.Session.MinW))
        : e.Session.MaxW;

    private void Tell(LoadEntry entry)
    {
        entry.Told = true;
        // One-way: the charger delivers it over its socket or stream and reports a refusal back.
        _ = GrainFactory.GetGrain<IChargerGrain>(entry.Session.ChargerId).ApplyAllowance(entry.Session.SessionId, entry.AllowanceW);
    }

    /// <summary>The grid limit, or a lower time-of-day limit in force now in the site's zone.</summary>
    private double? LimitInForceW()
    {
        if (State.Limits is not { } limits)
        {
            return null;
        }

        var local = LocalNow();
        var kw = limits.GridLimitKw;
        foreach (var window in limits.TimeOfDay.IsDefault ? [] : limits.TimeOfDay)
        {
            if (Applies(window, local))
            {
                kw = Math.Min(kw, window.LimitKw);
            }
        }

        return kw * 1000;
    }

    private static bool Applies(TimeOfDayLimit window, DateTime local)
    {
        var t = TimeOnly.FromDateTime(local);
        // A window past midnight (22:00-06:00) belongs to the day it starts.
        var inside = window.Start <= window.End ? t >= window.Start && t < window.End : t >= window.Start || t < window.End;
        var day = window.Start <= window.End || t >= window.Start ? local.DayOfWeek : local.AddDays(-1).DayOfWeek;
        return inside && (window.Days.IsDefaultOrEmpty || window.Days.Contains(day));
    }

    private DateTime LocalNow() => TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Zone);

    /// <summary>The site's zone (UTC when it names none the system knows).</summary>
    private TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(State.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>While sessions run under time-of-day limits, shares again at the next window edge (checked each minute).</summary>
    private void ScheduleBoundary()
    {
        if (State.Sessions.Values.Any(e => e.AwaitingAck))
        {
            _ackWatch ??= this.RegisterGrainTimer(_ => GiveUpOnSilentChargers(), new GrainTimerCreationOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)));
        }
        else
        {
            _ackWatch?.Dispose();
            _ackWatch = null;
        }

        var windows = State.Limits?.TimeOfDay is { IsDefaultOrEmpty: false };
        if (!windows || State.Sessions.Count == 0)
        {
            _boundary?.Dispose();
            _boundary = null;
            return;
        }

        _boundary ??= this.RegisterGrainTimer(_ => Rebalance(), new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: load statistics not written at deactivation")]
    private partial void LogStatsNotWritten(Exception e, string siteId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: session {SessionId} cannot be limited; counted at its maximum")]
    private partial void LogUncontrollable(string siteId, string sessionId);
}
