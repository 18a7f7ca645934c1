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
public sealed class SessionGrain : Grain, ISessionGrain, Orleans.Streams.Core.IStreamSubscriptionObserver
{
    private readonly SessionLedger _ledger;
    private readonly SessionOptions _options;
    private readonly ILogger<SessionGrain> _logger;
    private readonly IReadingLog _log;
    private readonly TimeProvider _time;

    // Created when first needed: most open sessions sit idle between readings, and an idle one holds none of these.
    private SessionCompletion? _completion;
    private WriteBehind? _writeBehind;
    private SessionReadings? _readings;

    public SessionGrain(
        [PersistentState("session", StorageNames.Charge)] IPersistentState<SessionState> state,
        IOptions<SessionOptions> options,
        IReadingLog log,
        TimeProvider time,
        IGrainFactory grains,
        ILogger<SessionGrain> logger)
    {
        _log = log;
        _time = time;
        _options = options.Value;
        _logger = logger;
        // The grain is the session's contract over these pieces; they share the ledger, and none holds the grain.
        _ledger = new SessionLedger(this.GetPrimaryKeyString(), state, GrainContext, grains, _options, logger);
    }

    private SessionCompletion Completion => _completion ??= new SessionCompletion(_ledger, GrainContext, _options, _log, _logger);

    private WriteBehind WriteBehind => _writeBehind ??= new WriteBehind(_options.ReadingWriteInterval, _ledger.Persist, GrainContext);

    private SessionReadings Readings => _readings ??= new SessionReadings(_ledger, _log, e => _logger.StorageFailed(e, SessionId));

    private SessionWatchers Watchers => _ledger.Watchers;

    private string SessionId => _ledger.SessionId;

    private SessionState State => _ledger.State;

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
            _ledger.Tariff = (await GrainFactory.GetGrain<ITariffGrain>(pinned.TariffId).GetVersion(pinned.Version)).Tariff;
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
        {
            _ledger.Tariff = null;
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

        SessionRecord.Begin(State, command, terms, _ledger.Tariff);
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
        _ledger.Unwatch(watcher);
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

    private EnergyAccount Account() => _ledger.Account();

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

    private void RecordAnomaly(MeterAnomaly anomaly) => _ledger.RecordAnomaly(anomaly);

    private void Changed() => _ledger.Changed();

    private Task Persist() => _ledger.Persist();

    private Task Commit() => _ledger.Commit();

    private void NotifyWatchers() => _ledger.NotifyWatchers();

    private SessionView View() => _ledger.View();

    private SessionView CachedView() => _ledger.CachedView();

    public Task ShowAllowance(double allowanceW)
    {
        _ledger.ShowAllowance(allowanceW);
        return Task.CompletedTask;
    }
}
