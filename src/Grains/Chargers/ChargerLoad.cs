using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// A charger's side of its site's load balancing: tells the site load grain when sessions start and end and when a
/// car's draw departs from its allowance, delivers allowances (OCPP profile one-way through the gateway, or a
/// station command), and reports a charger that cannot be limited. Allowances and draw reports are kept in memory.
/// </summary>
internal sealed class ChargerLoad(
    ChargerRecord record,
    ChargerChannels channels,
    ConnectorBoard board,
    Action<string, string> logRefused)
{
    private readonly Dictionary<string, double> _allowances = [];
    private readonly Dictionary<string, (DateTime At, double Allowance)> _drawReported = [];

    // Readings in a row clearly above a finite allowance, per session (reset when the allowance changes).
    private readonly Dictionary<string, int> _over = [];
    private readonly HashSet<string> _unlimited = [];

    /// <summary>Readings in a row clearly above its allowance after which a session is taken as not obeying it.</summary>
    public const int OverdrawReadings = 3;

    /// <summary>Clearly above an allowance: 10 % and 500 W over it (meters and cars round; a car settles within seconds).</summary>
    public static bool ClearlyAbove(double powerW, double allowanceW) => powerW > allowanceW * 1.1 + 500;

    private ChargerState State => record.State;

    private ISiteLoadGrain? Site => State.SiteId is { } site ? record.Grains.GetGrain<ISiteLoadGrain>(site) : null;

    /// <summary>The least a session on this charger can be given: 6 A on its phases.</summary>
    private double MinimumW => State.Kind?.PowerType == "AC_1_PHASE" ? SiteLimits.SinglePhaseMinimumW : SiteLimits.ThreePhaseMinimumW;

    /// <summary>
    /// The session starts on this charger's site (if any): that site's balancer holds it until it ends. Recorded on the
    /// session's entry before the charger's write; the site is told with <see cref="Started"/>.
    /// </summary>
    public void Starting(ActiveSession active, string? tariffGroup)
    {
        active.TariffGroup = tariffGroup;
        active.LoadSiteId = State.SiteId;
    }

    public Task Started(string sessionId, ActiveSession active) =>
        active.LoadSiteId is { } site ? Tell(site, sessionId, active) : Task.CompletedTask;

    private Task Tell(string siteId, string sessionId, ActiveSession active) =>
        record.Grains.GetGrain<ISiteLoadGrain>(siteId).Started(
            new LoadSession(sessionId, record.ChargerId, active.ConnectorId, board.AllowedMaxOf(active.ConnectorId), MinimumW, active.TariffGroup));

    /// <summary>The running sessions' maxima changed (a limit set from outside): the site is told again, and rebalances.</summary>
    public async Task Restated(IEnumerable<(string SessionId, ActiveSession Active)> sessions)
    {
        foreach (var (sessionId, active) in sessions)
        {
            if (active.LoadSiteId is { } site)
            {
                await Tell(site, sessionId, active);
            }
        }
    }

    /// <summary>
    /// The session ended: the site that holds it lets it go (the site it started on, not the charger's site now). A
    /// failure to tell leaves its share reserved until that site's balancer finds the session over by itself.
    /// </summary>
    public async Task Ended(string sessionId, ActiveSession ended, Action<Exception> logNotTold)
    {
        Forget(sessionId);
        if ((ended.LoadSiteId ?? State.SiteId) is not { } siteId)
        {
            return;
        }

        try
        {
            await record.Grains.GetGrain<ISiteLoadGrain>(siteId).Ended(sessionId);
        }
        catch (Exception e) when (e is not ChargeException)
        {
            logNotTold(e);
        }
    }

    private void Forget(string sessionId)
    {
        _allowances.Remove(sessionId);
        _drawReported.Remove(sessionId);
        _over.Remove(sessionId);
        _unlimited.Remove(sessionId);
    }

    /// <summary>
    /// The charger moved to another site (or none): its running sessions leave the old site's balancer and join the
    /// new one's. Called after the move is written; the sessions' records of their site are written by the caller.
    /// </summary>
    public async Task Moved(Action<string, Exception> logNotTold)
    {
        foreach (var (sessionId, active) in State.Active.Where(a => a.Value.LoadSiteId != State.SiteId).ToArray())
        {
            await Ended(sessionId, active, e => logNotTold(sessionId, e));
            active.LoadSiteId = State.SiteId;
            if (State.SiteId is { } site)
            {
                await Tell(site, sessionId, active);
            }
        }
    }

    /// <summary>
    /// Delivers an allowance (infinity: the site's limit was removed, the charger clears its limit). A charger with
    /// neither socket nor stream cannot be limited now: its session is counted at its maximum.
    /// </summary>
    public async Task Apply(string sessionId, ActiveSession active, double allowanceW)
    {
        var unlimited = double.IsPositiveInfinity(allowanceW);
        var shown = unlimited ? board.MaxPowerOf(active.ConnectorId) : allowanceW;
        _allowances[sessionId] = shown;
        _over.Remove(sessionId);
        if (unlimited)
        {
            _unlimited.Add(sessionId);
        }
        else
        {
            _unlimited.Remove(sessionId);
        }

        _ = record.Grains.GetGrain<ISessionGrain>(sessionId).ShowAllowance(shown);
        var command = new StationCommand(Guid.CreateVersion7().ToString("N"), StationCommandKind.SetLimit, sessionId, active.ConnectorId, "load-balancer",
            unlimited ? null : allowanceW);
        if (channels.OcppOpen(record.Now) && active.StartedOverOcpp && channels.OcppChannel is { } ocpp)
        {
            // One-way: the gateway sends SetChargingProfile and reports the answer (LimitAnswered).
            _ = ocpp.Limit(command);
            return;
        }

        var delivered = await channels.DeliverToStation(command);
        if (Site is { } site && !unlimited)
        {
            await (delivered ? site.Applied(sessionId, allowanceW) : site.Uncontrollable(sessionId));
        }
    }

    public async Task Answered(string sessionId, string status, double allowanceW)
    {
        if (Site is not { } site || !State.Active.ContainsKey(sessionId))
        {
            return;
        }

        if (status == "Accepted")
        {
            await site.Applied(sessionId, allowanceW);
            return;
        }

        logRefused(sessionId, status);
        await site.Uncontrollable(sessionId);
    }

    /// <summary>A new socket or stream: sessions the site counted as not limited may be limited again.</summary>
    public async Task Reconnected(IEnumerable<string> sessionIds)
    {
        if (Site is { } site)
        {
            foreach (var sessionId in sessionIds.ToArray())
            {
                await site.Controllable(sessionId);
            }
        }
    }

    /// <summary>
    /// What a new transaction may draw until its allowance arrives (TxDefaultProfile): nothing on a site with a limit
    /// (the others' shares may fill it; its first allowance follows within a round trip), null on one without.
    /// </summary>
    public async Task<double?> DefaultLimit() =>
        Site is { } site && (await site.Get()).LimitInForceW is not null ? 0 : null;

    /// <summary>
    /// Tells the site's load balancer when a car draws clearly less than its allowance (its share can go to others)
    /// or all of it while held below its maximum (it wants more): at once after a new allowance (the first reading
    /// under it shows what the car makes of it), then at most once a minute per session.
    /// </summary>
    public async Task Drawing(string sessionId, ActiveSession active, double? powerW)
    {
        if (Site is not { } site || !_allowances.TryGetValue(sessionId, out var allowance) || powerW is not { } power)
        {
            return;
        }

        if (!_unlimited.Contains(sessionId) && ClearlyAbove(power, allowance))
        {
            // The charger said it applied the allowance (or could not be told otherwise): a car that keeps drawing
            // well above it is not limited, whatever the charger answered.
            var readings = _over[sessionId] = _over.GetValueOrDefault(sessionId) + 1;
            if (readings == OverdrawReadings)
            {
                await site.Overdrawing(sessionId, power);
                return;
            }
        }
        else
        {
            _over.Remove(sessionId);
        }

        var now = record.Now;
        var worth = power < 0.8 * allowance || (power > 0.95 * allowance && allowance < board.MaxPowerOf(active.ConnectorId) - Sites.SiteLoadGrain.Hysteresis);
        if (worth && (!_drawReported.TryGetValue(sessionId, out var last) || last.Allowance != allowance || now - last.At >= TimeSpan.FromMinutes(1)))
        {
            _drawReported[sessionId] = (now, allowance);
            await site.Drawing(sessionId, power);
        }
    }
}
