using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Storage;
using Charge.Grains.Tariffs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Charge.Grains.Sessions;

/// <summary>One charging session: consumes its meter stream, keeps the energy account, tells watchers.</summary>
[ImplicitStreamSubscription(StreamNames.MeterReadings)]
public sealed class SessionGrain : Grain, ISessionGrain, Orleans.Streams.Core.IStreamSubscriptionObserver, ISessionHost
{
    private readonly IPersistentState<SessionState> _state;
    private readonly SessionOptions _options;
    private readonly ILogger<SessionGrain> _logger;
    private readonly IReadingLog _log;
    private readonly TimeProvider _time;
    private SessionView? _view;
    private Tariff? _tariff;
    private double? _allowanceW;

    // Created when first needed: most open sessions sit idle between readings, and an idle one holds none of these.
    private SessionWatchers? _watchers;
    private SessionCompletion? _completion;
    private WriteBehind? _writeBehind;
    private LiveCost? _liveCost;
    private SessionReadings? _readings;

    public SessionGrain(
        [PersistentState("session", StorageNames.Charge)] IPersistentState<SessionState> state,
        IOptions<SessionOptions> options,
        IReadingLog log,
        TimeProvider time,
        ILogger<SessionGrain> logger)
    {
        _log = log;
        _time = time;
        _state = state;
        _options = options.Value;
        _logger = logger;
    }

    private SessionWatchers Watchers => _watchers ??= new SessionWatchers(_options.WatcherExpiry, _logger);

    private SessionCompletion Completion => _completion ??= new SessionCompletion(this, this, _options, Watchers, _log, _logger);

    private WriteBehind WriteBehind => _writeBehind ??= new WriteBehind(_options.ReadingWriteInterval, Persist,
        (tick, period) => this.RegisterGrainTimer(_ => tick(), new GrainTimerCreationOptions(period, period)));

    private LiveCost LiveCost => _liveCost ??= new LiveCost();

    private SessionReadings Readings => _readings ??=
        new SessionReadings(SessionId, () => _state.State, _log, LiveCost, RecordAnomaly, e => _logger.StorageFailed(e, SessionId));

    private string SessionId => this.GetPrimaryKeyString();

    private SessionState State => _state.State;

    private bool Durable => _options.Acknowledge == AcknowledgeMode.Durable;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Durable && State.Status is SessionStatus.Active or SessionStatus.Stopping)
        {
            await Readings.Replay(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        if (State.Status == SessionStatus.Stopping)
        {
            Completion.StartStopGrace();
        }

        if (State.Tariff is { } pinned && State.Status != SessionStatus.Completed)
        {
            await LoadTariff(pinned);
        }

        if (State.Status == SessionStatus.Completed)
        {
            if (Completion.FollowedUp)
            {
                // Brought back to be read (an app, a report, its charger asking): answered from memory a while, then gone.
                this.RegisterGrainTimer(() => { DeactivateOnIdle(); return Task.CompletedTask; },
                    new GrainTimerCreationOptions(_options.FinishedLinger, Timeout.InfiniteTimeSpan));
            }
            else
            {
                await Completion.FollowUp();
            }
        }
    }

    /// <summary>
    /// The implicit subscription is resumed when the first batch reaches this activation, not at activation: an
    /// idle session carries no stream consumer.
    /// </summary>
    public Task OnSubscribed(Orleans.Streams.Core.IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<MeterBatch>().ResumeAsync(OnMeterBatch);

    /// <summary>
    /// The pinned version never changes, so it is fetched from its tariff grain once per activation. A version that
    /// cannot be found (lost, or never stored) leaves the session unpriced and flagged for review: it still runs,
    /// stops, completes and is settled, and nothing is billed until an operator looks.
    /// </summary>
    private async Task LoadTariff(TariffRef pinned)
    {
        try
        {
            _tariff = (await GrainFactory.GetGrain<ITariffGrain>(pinned.TariffId).GetVersion(pinned.Version)).Tariff;
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
        {
            _tariff = null;
            if (State.Review is null)
            {
                // Kept in memory until the next write of the record (a reading, the stop), which stores it with the rest.
                State.Review = $"tariff {pinned.TariffId} version {pinned.Version} could not be found: the session is not priced and not invoiced";
                RecordAnomaly(new MeterAnomaly(AnomalyKind.TariffMissing, _time.GetUtcNow().UtcDateTime, 0m, $"{State.Review} ({e.Message})"));
                Changed();
            }
        }
    }

    public async Task<SessionView> Start(StartSessionCommand command, SessionTerms terms)
    {
        if (State.Status != SessionStatus.None)
        {
            SessionRecord.CheckRepeatedStart(SessionId, State, command);
            return View();
        }

        if (terms.Tariff is { } pinned)
        {
            await LoadTariff(pinned);
        }

        SessionRecord.Begin(State, command, terms, _tariff);
        Changed();
        // A started session must survive: the charger has been told it exists.
        await Persist();
        Telemetry.GrainMetrics.SessionsStarted.Add(1);
        Telemetry.GrainMetrics.SessionsActive.Add(1);
        ChargeTelemetry.Tag(command.ChargerId, SessionId);
        _logger.Started(SessionId, command.ChargerId, command.ConnectorId);
        return View();
    }

    public async Task<SessionView> Stop(StopSessionCommand command, long publishedSequence, ImmutableArray<MeterBatch> recentBatches)
    {
        switch (State.Status)
        {
            case SessionStatus.None:
                throw ChargeException.NotFound($"session '{SessionId}' does not exist");
            case SessionStatus.Stopping or SessionStatus.Completed:
                SessionRecord.IsRepeatedStop(SessionId, State, command);
                return View();
        }

        // No register or time check refuses a stop: a stop the charger cannot get accepted would be retried forever
        // and leave its connector stuck. The energy account resolves implausible, early or low stops (energy rule 4-6).
        await Readings.TakeInFlight(Durable, recentBatches);

        SessionRecord.BeginStop(State, command, publishedSequence);
        foreach (var problem in command.DroppedSamples.IsDefault ? [] : command.DroppedSamples)
        {
            // Samples the charger sent with its stop that could not be read: kept with the session, not billed.
            RecordAnomaly(new MeterAnomaly(AnomalyKind.StopSampleDropped, command.Timestamp, 0m, problem));
        }

        if (Durable || State.ConsumedSequence >= publishedSequence)
        {
            await Completion.Complete();
        }
        else
        {
            // Its charger's reminder, running since the session started, brings it back to finish the stop after a
            // crash (EnsureFollowedUp): the charger lists it as unsettled once this stop is answered.
            Changed();
            await Persist();
            Completion.StartStopGrace();
            NotifyWatchers();
        }

        return View();
    }

    public async Task<SessionView> Close(CloseSessionCommand command, ImmutableArray<MeterBatch> recentBatches)
    {
        switch (State.Status)
        {
            case SessionStatus.None:
                throw ChargeException.NotFound($"session '{SessionId}' does not exist");
            case SessionStatus.Completed:
                return View();
        }

        await Readings.TakeInFlight(Durable, recentBatches);

        // A stopping session has the charger's own stop already; closing only stops waiting for batches in flight.
        await Completion.Complete(closeCurve: SessionRecord.Close(State, Account(), command));
        return View();
    }

    public Task<SessionView> GetView() => Task.FromResult(CachedView());

    public async Task<SessionView> WaitForCompletion(TimeSpan timeout)
    {
        if (State.Status is SessionStatus.Active or SessionStatus.Stopping)
        {
            await Watchers.WaitForCompletion(timeout);
        }

        return View();
    }

    public Task<SessionView> Watch(ISessionWatcher watcher)
    {
        if (State.Status == SessionStatus.None)
        {
            throw ChargeException.NotFound($"session '{SessionId}' does not exist");
        }

        Watchers.Add(watcher);
        return Task.FromResult(CachedView());
    }

    public Task Unwatch(ISessionWatcher watcher)
    {
        _watchers?.Remove(watcher);
        return Task.CompletedTask;
    }

    private async Task OnMeterBatch(MeterBatch batch, StreamSequenceToken? token)
    {
        switch (State.Status)
        {
            case SessionStatus.None:
                // The charger grain checks the session before publishing, so this is a race with a lost state.
                _logger.BatchForUnknownSession(SessionId, batch.Sequence);
                return;
            case SessionStatus.Completed:
                if (Readings.TakeLate(batch))
                {
                    await Commit();
                }

                return;
        }

        if (batch.LogPosition > 0)
        {
            if (await Readings.TakeLogged(batch))
            {
                Changed();
                NotifyWatchers();
            }

            return;
        }

        Readings.Apply(batch);
        if (State.Status == SessionStatus.Stopping && State.ConsumedSequence >= State.AwaitedSequence)
        {
            await Completion.Complete();
            return;
        }

        Changed();
        await WriteBehind.Changed();
        NotifyWatchers();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful deactivation (idle collection, silo shutdown) writes what the write-behind still holds; one after a
        // failed or conflicting write (ApplicationError) does not: memory then holds a change its caller was refused.
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await (_writeBehind?.FlushPending() ?? Task.CompletedTask);
        }

        _writeBehind?.Dispose();
    }

    /// <summary>The energy account over this session's state; its anomalies are recorded on the session.</summary>
    private EnergyAccount Account() => Readings.Account();


    public Task<bool> EnsureFollowedUp() => Completion.EnsureFollowedUp();

    public async Task MarkCredited(string creditNoteNumber)
    {
        if (State.Status != SessionStatus.Completed)
        {
            throw ChargeException.FailedPrecondition($"session {SessionId} is not completed; only a billed session is credited");
        }

        if (State.CreditNoteNumber == creditNoteNumber)
        {
            return;
        }

        if (State.CreditNoteNumber is { } already)
        {
            throw ChargeException.FailedPrecondition($"session {SessionId} is already credited by {already}");
        }

        State.CreditNoteNumber = creditNoteNumber;
        await Commit();
    }

    private string ZoneId => State.SiteTimeZone ?? _options.DefaultTimeZone;

    private void RecordAnomaly(MeterAnomaly anomaly)
    {
        SessionRecord.RecordAnomaly(State, anomaly, _options.MaxAnomaliesKept);
        Telemetry.GrainMetrics.Anomaly(anomaly.Kind);
        _logger.Anomaly(SessionId, anomaly.Kind, anomaly.Detail);
    }

    private void Changed()
    {
        State.Version++;
        _view = null;
    }

    /// <summary>A change that must be durable before it is told: a new version, written, then sent to the watchers.</summary>
    private async Task Commit()
    {
        Changed();
        await Persist();
        NotifyWatchers();
    }

    private void NotifyWatchers() => _watchers?.Tell(CachedView);

    /// <summary>The view of this version; kept only once someone reads or watches it (an unread session holds none).</summary>
    private SessionView View() => _view ?? BuildView();

    private SessionView CachedView() => _view ??= BuildView();

    private SessionView BuildView() => SessionViews.Build(SessionId, State, ZoneId, account => LiveCost.Price(_tariff, account)) with
    {
        AllowanceW = State.Status is SessionStatus.Active ? _allowanceW : null,
    };

    public Task ShowAllowance(double allowanceW)
    {
        if (_allowanceW != allowanceW && State.Status == SessionStatus.Active)
        {
            _allowanceW = allowanceW;
            // Watchers see the new allowance at once; it is not part of the durable record.
            Changed();
            NotifyWatchers();
        }

        return Task.CompletedTask;
    }

    string ISessionHost.SessionId => SessionId;

    SessionState ISessionHost.State => State;

    Tariff? ISessionHost.Tariff => _tariff;

    IGrainFactory ISessionHost.Grains => GrainFactory;

    EnergyAccount ISessionHost.Account() => Account();

    void ISessionHost.Changed() => Changed();

    Task ISessionHost.Persist() => Persist();

    void ISessionHost.NotifyWatchers() => NotifyWatchers();

    SessionView ISessionHost.View() => View();

    private Task Persist() => _state.WriteOrUnavailable(GrainContext, e => _logger.StorageFailed(e, SessionId));
}
