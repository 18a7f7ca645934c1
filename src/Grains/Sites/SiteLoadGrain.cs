using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sites;

/// <summary>
/// One site's load balancer: keeps the sessions running on the site (written, so a reactivation still knows them)
/// and shares the limit in force among them with <see cref="LoadAllocator"/> at every change, telling each charger
/// its sessions' new allowances. Without limits it only keeps the list.
/// </summary>
public sealed partial class SiteLoadGrain(
    [PersistentState("siteload", StorageNames.Charge)] IPersistentState<SiteLoadState> state,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Chargers.FleetOptions> fleet,
    ILogger<SiteLoadGrain> logger) : Grain, ISiteLoadGrain
{
    /// <summary>A change smaller than this (W, or 2 %) is not worth a new charging profile.</summary>
    public const double Hysteresis = 100;

    /// <summary>How long an allowance may wait for its charger's confirmation before the charger is taken as not limited.</summary>
    private TimeSpan AckTimeout => fleet.Value.LimitConfirmedWithin;

    private IGrainTimer? _ackWatch;

    /// <summary>What a car drawing less than its share is given beyond its draw (1/1.1 = 91 % of the allowance: no report either way).</summary>
    public const double DrawMargin = 1.1;

    /// <summary>How long an uncontrollable session's last measured draw stands for it before its maximum does.</summary>
    public static readonly TimeSpan DrawGrace = TimeSpan.FromMinutes(5);

    private IGrainTimer? _boundary;

    private string SiteId => this.GetPrimaryKeyString();

    private SiteLoadState State => state.State;

    public async Task<SiteLoadView> SetLimits(SiteLimits? limits, string timeZone)
    {
        State.Limits = limits;
        State.TimeZone = timeZone;
        await Write();
        await Rebalance(liftWhenUnlimited: true);
        return await Get();
    }

    public async Task SiteZone(string timeZone)
    {
        if (State.TimeZone != timeZone)
        {
            State.TimeZone = timeZone;
            await Write();
        }
    }

    public Task<SiteLoadView> Get() => Task.FromResult(new SiteLoadView(SiteId, State.Limits, LimitInForceW(),
        [.. State.Sessions.Values.OrderBy(e => e.Order)
            .Select(e => new SessionAllowance(e.Session.SessionId, e.Session.ChargerId, e.AllowanceW, e.DrawW, e.Controllable, e.Overdrawing))],
        _drawn?.W, _drawn?.At));

    // The last measurement of what the site's sessions draw (memory only: measured again after a reactivation).
    private (double W, DateTime At)? _drawn;
    private IGrainTimer? _measure;

    /// <summary>
    /// Measures what the site's sessions draw now (each charger's latest power), for GetSiteLoad and the site's
    /// gauges; a site above its limit is logged. Runs on an interleaving timer: chargers may be waiting for this grain.
    /// </summary>
    private async Task Measure()
    {
        var chargers = State.Sessions.Values.Select(e => e.Session.ChargerId).Distinct(StringComparer.Ordinal).ToArray();
        var live = await Task.WhenAll(chargers.Select(c => GrainFactory.GetGrain<IChargerGrain>(c).GetLive()));
        var now = time.GetUtcNow().UtcDateTime;
        _drawn = (live.Sum(l => l.PowerW), now);
        if (LimitInForceW() is { } limit)
        {
            Telemetry.SiteGauges.Record(SiteId, _drawn.Value.W, limit, now);
            if (_drawn.Value.W > limit)
            {
                LogAboveLimit(SiteId, _drawn.Value.W, limit);
            }
        }
    }

    public async Task Started(LoadSession session)
    {
        if (State.Sessions.TryGetValue(session.SessionId, out var known))
        {
            // Told again: its terms changed (a limit set on the charger from outside lowers its maximum), or a repeat.
            if (known.Session != session)
            {
                State.Sessions[session.SessionId] = known with { Session = session };
                await Write();
                await Rebalance();
            }

            return;
        }

        // Nothing allowed until told: the charger's default profile (0 W) holds meanwhile.
        State.Sessions[session.SessionId] = new LoadEntry { Session = session, Order = State.NextOrder++, AllowanceW = 0 };
        await Write();
        await Rebalance();
    }

    public async Task Ended(string sessionId)
    {
        if (State.Sessions.Remove(sessionId))
        {
            await Write();
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
            // Judged against the allowance it was drawn under: a later lowering to just above it must not make the
            // car look as if it wanted more.
            entry.Satisfied = entry.Told && powerW < 0.8 * entry.AllowanceW;
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
            entry.Unconfirmed = false;
            entry.HeldRaiseW = null;
            await Write();
            LogUncontrollable(SiteId, sessionId);
            await Rebalance();
        }
    }

    private Task Write() => state.WriteOrUnavailable(GrainContext);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Interleaving: the check waits for chargers, which may be waiting for this grain (a start or stop telling it).
        this.RegisterGrainTimer(_ => CheckSessions(),
            new GrainTimerCreationOptions(fleet.Value.LoadCheckAfterActivation, fleet.Value.LoadCheckEvery) { Interleave = true });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Drops the sessions this balancer holds that are no longer running on a charger of this site: the end of a
    /// session is told by its charger once, and a lost telling (storage or a silo failing between the two) must not
    /// keep its share reserved for ever, holding the live sessions at 0 W. Each charger is the truth for its own
    /// sessions; one that cannot be asked now is asked at the next check.
    /// </summary>
    public async Task<int> CheckSessions()
    {
        var dropped = new List<string>();
        foreach (var held in State.Sessions.Values.GroupBy(e => e.Session.ChargerId).ToArray())
        {
            ChargerView? charger;
            try
            {
                charger = await GrainFactory.GetGrain<IChargerGrain>(held.Key).GetView();
            }
            catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
            {
                charger = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckFailed(e, SiteId, held.Key);
                continue;
            }

            var running = charger is null || charger.SiteId != SiteId
                ? []
                : charger.Connectors.Select(c => c.ActiveSessionId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var entry in held.Where(e => !running.Contains(e.Session.SessionId)))
            {
                if (State.Sessions.Remove(entry.Session.SessionId))
                {
                    dropped.Add(entry.Session.SessionId);
                }
            }
        }

        if (dropped.Count > 0)
        {
            LogDropped(SiteId, dropped.Count, string.Join(", ", dropped));
            await Write();
            await Rebalance();
        }

        return dropped.Count;
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
                    _ = GrainFactory.GetGrain<IChargerCoordination>(entry.Session.ChargerId).ApplyAllowance(entry.Session.SessionId, double.PositiveInfinity);
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
            entry.Satisfied = false;
            entry.Overdrawing = false;
            await Write();
            await Rebalance();
        }
    }

    public Task Applied(string sessionId, double allowanceW)
    {
        // Only the allowance awaited (or a lower one) confirms: the answer to an earlier, higher one does not.
        if (State.Sessions.TryGetValue(sessionId, out var entry) && allowanceW <= entry.AllowanceW)
        {
            entry.Unconfirmed = false;
            if (entry.AwaitingAck)
            {
                entry.AwaitingAck = false;
                ReleaseRaises();
            }

            ScheduleBoundary();
        }

        return Task.CompletedTask;
    }

    public async Task Overdrawing(string sessionId, double powerW)
    {
        if (State.Sessions.TryGetValue(sessionId, out var entry) && entry.Controllable)
        {
            entry.DrawW = powerW;
            entry.DrawAt = time.GetUtcNow().UtcDateTime;
            entry.Overdrawing = true;
            LogOverdrawing(SiteId, sessionId, powerW, entry.AllowanceW);
            await Uncontrollable(sessionId);
        }
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

    /// <summary>An allowance not confirmed in time: that charger is not limited; its session counts at its maximum.</summary>
    private async Task GiveUpOnSilentChargers()
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in State.Sessions.Values.Where(e => (e.AwaitingAck || e.Unconfirmed) && e.SentAt is { } sent && now - sent > AckTimeout).ToArray())
        {
            await Uncontrollable(entry.Session.SessionId);
        }
    }

    public Task<LoadDay> Days(DateOnly from, DateOnly to)
    {
        // The interval still running counts up to now.
        Account(State.SharedLimitW, State.SharedAllowedW, State.SharedDeferredW);
        return Task.FromResult(SiteLoadTime.Sum(State, from, to));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Telemetry.SiteGauges.Forget(SiteId);
        if (reason.ReasonCode == DeactivationReasonCode.ApplicationError)
        {
            // A write failed: memory holds what its caller was told was not applied; storage stays the truth.
            return;
        }

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

    private void Account(double limitW, double allowedW, double deferredW) =>
        SiteLoadTime.Account(State, time.GetUtcNow().UtcDateTime, Zone, limitW, allowedW, deferredW);

    /// <summary>
    /// What a session can use: its maximum, unless its car's last reported draw was clearly less than it was given
    /// then (below 80 %): then
    /// 10 % above the draw, inside the band where the charger reports nothing (80-95 % of the allowance), so a car
    /// that wants more shows it by drawing all it is given and a car that does not stays put.
    /// </summary>
    private double Demand(LoadEntry e) =>
        !e.Controllable
            // A session that cannot be limited draws what it draws: its last measured draw for a grace period, then
            // (the draw may have grown unseen) its maximum.
            ? e.DrawW is { } measured && e.DrawAt is { } at && time.GetUtcNow().UtcDateTime - at <= DrawGrace ? measured : e.Session.MaxW
        : e.Satisfied && e.DrawW is { } draw ? Math.Min(e.Session.MaxW, Math.Max(draw * DrawMargin, e.Session.MinW))
        : e.Session.MaxW;

    private void Tell(LoadEntry entry)
    {
        entry.Told = true;
        // Every allowance sent waits for its confirmation (a first one too): a charger that never answers is not limited.
        entry.Unconfirmed = true;
        entry.SentAt = time.GetUtcNow().UtcDateTime;
        // One-way: the charger delivers it over its socket or stream and reports a refusal back.
        _ = GrainFactory.GetGrain<IChargerCoordination>(entry.Session.ChargerId).ApplyAllowance(entry.Session.SessionId, entry.AllowanceW);
    }

    private double? LimitInForceW() =>
        State.Limits is { } limits ? SiteLoadTime.LimitInForceW(limits, TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Zone)) : null;

    /// <summary>The site's zone (UTC when it names none the system knows).</summary>
    private TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(State.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>While sessions run under time-of-day limits, shares again at the next window edge (checked each minute).</summary>
    private void ScheduleBoundary()
    {
        if (State.Sessions.Values.Any(e => e.AwaitingAck || e.Unconfirmed))
        {
            // Looked at a few times per timeout: an unanswered allowance is given up on at most a third late.
            var every = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, AckTimeout.Ticks / 3));
            _ackWatch ??= this.RegisterGrainTimer(_ => GiveUpOnSilentChargers(), new GrainTimerCreationOptions(every, every));
        }
        else
        {
            _ackWatch?.Dispose();
            _ackWatch = null;
        }

        if (State.Limits is not null && State.Sessions.Count > 0)
        {
            _measure ??= this.RegisterGrainTimer(_ => Measure(),
                new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), fleet.Value.SiteMeasureEvery) { Interleave = true });
        }
        else if (_measure is not null)
        {
            _measure.Dispose();
            _measure = null;
            _drawn = null;
            Telemetry.SiteGauges.Forget(SiteId);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: {Count} session(s) held by the load balancer no longer run on its chargers and were dropped: {SessionIds}")]
    private partial void LogDropped(string siteId, int count, string sessionIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: charger {ChargerId} could not be asked which sessions run (asked again at the next check)")]
    private partial void LogCheckFailed(Exception e, string siteId, string chargerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: session {SessionId} draws {PowerW} W over its allowance of {AllowanceW} W; counted at its draw")]
    private partial void LogOverdrawing(string siteId, string sessionId, double powerW, double allowanceW);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId} draws {DrawnW} W, above its limit in force of {LimitW} W")]
    private partial void LogAboveLimit(string siteId, double drawnW, double limitW);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: load statistics not written at deactivation")]
    private partial void LogStatsNotWritten(Exception e, string siteId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: session {SessionId} cannot be limited; counted at its maximum")]
    private partial void LogUncontrollable(string siteId, string sessionId);
}
