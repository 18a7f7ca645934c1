using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sessions;

/// <summary>
/// A session's record and how it is told: its stored state, its pinned tariff, its energy account, the versioned view
/// and its watchers, and the one way the record is written. The session grain's pieces (readings, completion) share
/// this ledger, never the grain. A failed write is Unavailable and the activation goes (DurableWrite): nothing stays
/// in memory that its caller was told was not applied.
/// </summary>
internal sealed class SessionLedger(
    string sessionId,
    IPersistentState<SessionState> state,
    IGrainContext context,
    IGrainFactory grains,
    SessionOptions options,
    ILogger logger)
{
    private SessionView? _view;
    private double? _allowanceW;

    // Created when first needed: most open sessions sit idle between readings, and an idle one holds neither.
    private SessionWatchers? _watchers;
    private LiveCost? _liveCost;

    public string SessionId => sessionId;

    public SessionState State => state.State;

    public IGrainFactory Grains => grains;

    /// <summary>The pinned tariff version, fetched once per activation; null: unpriced.</summary>
    public Tariff? Tariff { get; set; }

    public SessionWatchers Watchers => _watchers ??= new SessionWatchers(options.WatcherExpiry, logger);

    /// <summary>A watcher leaves (a session nobody watched creates no watcher list for it).</summary>
    public void Unwatch(ISessionWatcher watcher) => _watchers?.Remove(watcher);

    public LiveCost LiveCost => _liveCost ??= new LiveCost();

    /// <summary>The energy account over this session's state; its anomalies are recorded on the session.</summary>
    public EnergyAccount Account() => new(State.Points, State.Register, RecordAnomaly);

    public void RecordAnomaly(MeterAnomaly anomaly)
    {
        SessionRecord.RecordAnomaly(State, anomaly, options.MaxAnomaliesKept);
        Telemetry.GrainMetrics.Anomaly(anomaly.Kind);
        logger.Anomaly(sessionId, anomaly.Kind, anomaly.Detail);
    }

    /// <summary>A new version: the cached view is stale.</summary>
    public void Changed()
    {
        State.Version++;
        _view = null;
    }

    public Task Persist() => state.WriteOrUnavailable(context, e => logger.StorageFailed(e, sessionId));

    /// <summary>A change that must be durable before it is told: a new version, written, then sent to the watchers.</summary>
    public async Task Commit()
    {
        Changed();
        await Persist();
        NotifyWatchers();
    }

    public void NotifyWatchers() => _watchers?.Tell(CachedView);

    /// <summary>The view of this version; kept only once someone reads or watches it (an unread session holds none).</summary>
    public SessionView View() => _view ?? BuildView();

    public SessionView CachedView() => _view ??= BuildView();

    /// <summary>The site's allowance, shown to watchers at once; it is not part of the durable record.</summary>
    public void ShowAllowance(double allowanceW)
    {
        if (_allowanceW != allowanceW && State.Status == SessionStatus.Active)
        {
            _allowanceW = allowanceW;
            Changed();
            NotifyWatchers();
        }
    }

    private SessionView BuildView() => SessionViews.Build(sessionId, State, State.SiteTimeZone ?? options.DefaultTimeZone, account => LiveCost.Price(Tariff, account)) with
    {
        AllowanceW = State.Status is SessionStatus.Active ? _allowanceW : null,
    };
}
