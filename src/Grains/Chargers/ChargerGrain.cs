using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Charge.Grains.Chargers;

/// <summary>A charge point: owns its connectors and active sessions, and publishes meter batches on each session's stream.</summary>
public sealed partial class ChargerGrain : Grain, IChargerGrain, IRemindable
{
    /// <summary>Sessions kept per charger for listing; older ones are found through the archive.</summary>
    public const int HistoryLimit = 2000;

    private readonly IPersistentState<ChargerState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger<ChargerGrain> _logger;
    private readonly ChargerChannels _channels;
    private readonly MeterBatchOutbox _outbox;
    private readonly ConnectorBoard _board;
    private readonly AbandonedSweep _sweep;
    private readonly ChargerPresence _presence;
    private readonly LocalListSync _localList;
    private readonly ChargerLoad _load;
    private readonly SessionStarts _starts;
    private IStreamProvider? _streams;
    private readonly Sessions.SessionOptions _sessionOptions;

    // The last reading, status, heartbeat or start seen from the charger. Kept in memory (not worth a write per
    // message): after a reactivation it starts at the activation, so the sweep never closes a session early.
    private DateTime _lastContact;

    public ChargerGrain(
        [PersistentState("charger", StorageNames.Charge)] IPersistentState<ChargerState> state,
        TimeProvider time,
        Microsoft.Extensions.Options.IOptions<Sessions.SessionOptions> sessionOptions,
        Microsoft.Extensions.Options.IOptions<FleetOptions> fleetOptions,
        Sessions.IReadingLog log,
        ILogger<ChargerGrain> logger)
    {
        _state = state;
        _time = time;
        _channels = new ChargerChannels(this.GetPrimaryKeyString());
        _sessionOptions = sessionOptions.Value;
        _logger = logger;
        _board = new ConnectorBoard(this.GetPrimaryKeyString(), () => _state.State);
        _sweep = new AbandonedSweep(this, _sessionOptions);
        _presence = new ChargerPresence(() => _state.State, fleetOptions.Value);
        _localList = new LocalListSync(() => GrainFactory, () => _state.State);
        _starts = new SessionStarts(this.GetPrimaryKeyString(), () => GrainFactory, () => _state.State, _board);
        _load = new ChargerLoad(this.GetPrimaryKeyString(), () => GrainFactory, () => _state.State, _channels, _board, time, (id, status) => LogLimitRefused(id, status));
        _outbox = new MeterBatchOutbox(this.GetPrimaryKeyString(), _sessionOptions.Acknowledge == Sessions.AcknowledgeMode.Durable, log, time,
            () => _streams ??= this.GetStreamProvider(StreamNames.Provider),
            e => LogStorageFailed(e, ChargerId), (e, sessionId, position) => LogPublishFailed(e, sessionId, position));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The sweep's clock starts at the activation, so a reactivated charger's sessions are never closed early.
        _lastContact = Now;
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_presence.Unwritten)
        {
            try
            {
                await Persist();
            }
            catch (ChargeException)
            {
                // Last-seen is a convenience: an older one is shown after storage comes back.
            }
        }
    }

    /// <summary>
    /// The charger was heard from: the sweep's clock and last-seen move on. A return after a silence longer than
    /// OfflineAfter records the offline period, which is written at once; last-seen alone waits for the next write.
    /// </summary>
    private async Task Contact()
    {
        var now = Now;
        _lastContact = now;
        if (_presence.Seen(now))
        {
            await Persist();
        }
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private string ChargerId => this.GetPrimaryKeyString();

    private ChargerState State => _state.State;

    public async Task<SessionView> StartSession(StartSessionCommand command)
    {
        var (view, refusal) = await Open(command, transactionId: null);
        return view ?? throw ChargeException.PermissionDenied($"{refusal!.Reason}: the session was not started");
    }

    /// <summary>
    /// Starts a session unless the token registry refuses its id_tag; a refused start is kept for the operator and
    /// nothing else of it is recorded. Either the started view or the refusal.
    /// </summary>
    private async Task<(SessionView? View, TokenAuthorization? Refusal)> Open(StartSessionCommand command, int? transactionId)
    {
        if (string.IsNullOrWhiteSpace(command.IdTag) || command.IdTag.Length > Limits.MaxIdLength)
        {
            throw ChargeException.InvalidArgument($"id_tag must be 1 to {Limits.MaxIdLength} characters");
        }

        if (State.DecommissionedAt is { } decommissioned)
        {
            // A socket opened before the credential was revoked may still be open.
            throw ChargeException.FailedPrecondition($"charger '{ChargerId}' was decommissioned at {decommissioned:O}: it takes no new sessions");
        }

        command = command with { SessionId = SessionIds.Of(ChargerId, command.SessionId), ChargerId = ChargerId };
        var connector = _board.Connector(command.ConnectorId);
        var session = GrainFactory.GetGrain<ISessionGrain>(command.SessionId);
        if (connector.ActiveSessionId is { } current && current != command.SessionId
            && (await session.GetView()).Status == SessionStatus.None)
        {
            // A charger starts only on a free connector (OCPP 1.6), so the session still running here lost its stop.
            await CloseActive(current, new CloseSessionCommand(CloseReasons.Superseded, "system", Now));
        }

        if (connector.ActiveSessionId is null && connector.Status is ConnectorStatus.Faulted or ConnectorStatus.Unavailable)
        {
            throw ChargeException.FailedPrecondition(
                $"connector {command.ConnectorId} of charger '{ChargerId}' is {connector.Status}");
        }

        // A retried start of a session running here was authorized when it began.
        var authorization = _board.IsActive(command.SessionId) ? null : await _starts.Authorize(command, transactionId, Now);
        if (authorization is { Authorization.Accepted: false })
        {
            await Contact();
            await Persist();
            LogRefused(command.IdTag, command.ConnectorId, authorization.Authorization.Status);
            return (null, authorization.Authorization);
        }

        var (terms, tariffGroup) = await _starts.Terms(command, authorization);
        var view = await session.Start(command, terms);
        await Contact();
        if (view.Status == SessionStatus.Active && !_board.IsActive(command.SessionId))
        {
            var active = _board.Occupy(command.SessionId, command.ConnectorId, command.Timestamp);
            active.TransactionId = transactionId;
            active.SlotOfIdTag = authorization is { HoldsSlot: true } ? command.IdTag : null;
            var reference = new SessionRef(command.SessionId, ChargerId, command.IdTag, command.Timestamp);
            SessionIndex.Add(State.History, reference, HistoryLimit);

            await Persist();
            await _starts.Index(reference, terms.CustomerId);

            await _load.Started(command.SessionId, command.ConnectorId, tariffGroup);
            await _sweep.Ensure();
        }

        return (view, null);
    }

    /// <summary>
    /// Closes a session running here without the charger's stop, handing over the batches not yet delivered, and
    /// frees its connector.
    /// </summary>
    private async Task<SessionView> CloseActive(string sessionId, CloseSessionCommand command)
    {
        var view = await GrainFactory.GetGrain<ISessionGrain>(sessionId).Close(command, _outbox.Recent(sessionId));
        LogClosedWithoutStop(sessionId, command.Reason, command.ClosedBy);
        await Release(sessionId, command.ClosedAt);
        return view;
    }

    /// <summary>Frees the session's connector (written), then its id_tag's concurrent-session slot.</summary>
    private async Task Release(string sessionId, DateTime at)
    {
        _outbox.Forget(sessionId);
        var ended = _board.Release(sessionId, at);
        await Persist();
        if (ended is not null)
        {
            await _load.Ended(sessionId, e => LogLoadNotTold(e, sessionId));
        }

        if (ended?.SlotOfIdTag is { } idTag)
        {
            try
            {
                await GrainFactory.GetGrain<ITokenGrain>(idTag).Ended(sessionId);
            }
            catch (Exception e) when (e is not ChargeException)
            {
                // The token finds the session ended when it next counts its sessions at the limit.
                LogSlotNotReleased(e, sessionId, idTag);
            }
        }
    }

    public async Task<SessionView> CloseSession(string sessionId, CloseSessionCommand command)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        if (_board.IsActive(sessionId))
        {
            return await CloseActive(sessionId, command);
        }

        if (await OwnSession(sessionId) is null)
        {
            throw NoSuchSession(sessionId);
        }

        // Stopping (waiting for batches in flight) or completed: the session decides.
        return await GrainFactory.GetGrain<ISessionGrain>(sessionId).Close(command, []);
    }

    public async Task<StopRequestResult> RequestStop(string sessionId, string requestedBy)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        if (!State.Active.TryGetValue(sessionId, out var active))
        {
            throw await NotActiveHere(sessionId, "there is nothing to stop");
        }

        var command = new StationCommand(Guid.CreateVersion7().ToString("N"), StationCommandKind.RemoteStop, sessionId, active.ConnectorId, requestedBy);
        var (channel, status) = await _channels.AskToStop(command, overOcpp: active.TransactionId is not null);
        return new StopRequestResult(channel, status, await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetView());
    }

    public async Task AttachStation(IStationCommandChannel channel)
    {
        if (_channels.Attach(channel, Now))
        {
            await _load.Reconnected(State.Active.Keys);
        }

        await Contact();
    }

    public Task DetachStation(IStationCommandChannel channel)
    {
        _channels.Detach(channel);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != AbandonedSweep.Reminder)
        {
            return;
        }

        await SweepAbandoned();
        if (State.Active.Count == 0)
        {
            await _sweep.Stop();
        }
    }

    public Task<int> SweepAbandoned()
    {
        var now = Now;
        return _sweep.Sweep(State.Active.Keys, _lastContact, now,
            sessionId => GrainFactory.GetGrain<ISessionGrain>(sessionId).GetView(),
            sessionId => CloseActive(sessionId, new CloseSessionCommand(CloseReasons.Abandoned, "system", now)));
    }

    public async Task<MeterValuesAccepted> ReportMeterValues(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        await Contact();
        if (!State.Active.TryGetValue(sessionId, out var active))
        {
            throw await NotActiveHere(sessionId, "readings after stop are rejected");
        }

        var batch = await _outbox.Accept(sessionId, readings);
        active.LastSequence = batch.Sequence;
        await _load.Drawing(sessionId, active, _outbox.LastPowerW(sessionId));
        return new MeterValuesAccepted(sessionId, readings.Length, batch.Sequence);
    }

    /// <summary>The session's view if it exists and was started on this charger; null otherwise.</summary>
    private async Task<SessionView?> OwnSession(string sessionId)
    {
        var view = await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetView();
        return view.Status != SessionStatus.None && view.ChargerId == ChargerId ? view : null;
    }

    private ChargeException NoSuchSession(string sessionId) =>
        ChargeException.NotFound($"charger '{ChargerId}' has no session '{sessionId}'");

    public async Task<SessionView> StopSession(StopSessionCommand command)
    {
        command = command with { SessionId = SessionIds.Of(ChargerId, command.SessionId) };
        await Contact();
        var session = GrainFactory.GetGrain<ISessionGrain>(command.SessionId);
        if (!State.Active.TryGetValue(command.SessionId, out var active))
        {
            if (await OwnSession(command.SessionId) is null)
            {
                throw NoSuchSession(command.SessionId);
            }

            // Already stopped here: the session answers a repeated stop or refuses a different one.
            return await session.Stop(command, 0, []);
        }

        var view = await session.Stop(command, active.LastSequence, _outbox.Recent(command.SessionId));
        await Release(command.SessionId, command.Timestamp);
        return view;
    }

    public async Task<OcppTransaction> StartTransaction(OcppStart start)
    {
        // A charger that lost the answer sends the same StartTransaction again: give it the same transaction.
        if (_board.RunningOn(start.ConnectorId) is ({ } current, { TransactionId: { } existing }))
        {
            var running = await GrainFactory.GetGrain<ISessionGrain>(current).GetView();
            if (running.IdTag == start.IdTag && running.MeterStartWh == start.MeterStartWh && running.StartedAt == start.Timestamp)
            {
                return new OcppTransaction(existing, running);
            }
        }

        if (StartRecords.RepeatedRefusal(State, start) is { } again)
        {
            return again;
        }

        var transactionId = ++State.LastTransactionId;
        var sessionId = SessionIds.OfTransaction(ChargerId, transactionId);
        var (view, refusal) = await Open(new StartSessionCommand(sessionId, ChargerId, start.ConnectorId, start.IdTag, start.MeterStartWh, start.Timestamp), transactionId);
        if (view is not null && !_board.IsActive(sessionId))
        {
            // Open wrote the charger only for a started or refused session; the transaction ID is spent either way.
            await Persist();
        }

        return new OcppTransaction(transactionId, view, refusal);
    }

    public async Task<int> ReportMeterValuesAccepting(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        await Contact();
        if (_board.IsActive(sessionId))
        {
            return (await ReportMeterValues(sessionId, readings)).Accepted;
        }

        if (await OwnSession(sessionId) is not null)
        {
            // A finished session of ours records late readings as anomalies when they reach it.
            await _outbox.PublishLate(sessionId, readings);
            return 0;
        }

        if (StartRecords.IsRefusedTransaction(State, ChargerId, sessionId))
        {
            // Readings of a transaction the registry refused: nothing to keep.
            return 0;
        }

        StartRecords.Unknown(State, sessionId, readings, _sessionOptions.MaxAnomaliesKept);
        await Persist();
        return 0;
    }

    /// <summary>
    /// A gateway holds the charger's socket (first attach, or its 30 s renewal). Not a sign of life by itself:
    /// a charger whose heartbeats stop goes offline with its socket open.
    /// </summary>
    public async Task AttachOcpp(IOcppChannel channel)
    {
        if (_channels.Attach(channel, Now))
        {
            await _load.Reconnected(State.Active.Keys);
        }

        if (!State.ViaOcpp)
        {
            State.ViaOcpp = true;
            await Persist();
        }
    }

    /// <summary>The socket closed: the charger is offline from now until it is heard from again.</summary>
    public async Task DetachOcpp(IOcppChannel channel)
    {
        if (_channels.Detach(channel))
        {
            _presence.SocketClosed(Now);
            await Persist();
        }
    }

    public Task<string> SendOcpp(string action, string payloadJson) => _channels.OverOcpp(action, channel => channel.Call(action, payloadJson));

    public async Task<ChargerView> ReportStatus(StatusReport report)
    {
        await Contact();
        if (_board.ApplyStatus(report))
        {
            _presence.Faulted(_board.ChargerFaulted(), report.Timestamp);
            await Persist();
        }

        return View();
    }

    public async Task<DateTime> Heartbeat(DateTime timestamp)
    {
        // Liveness only: not worth a storage write per heartbeat (last-seen is written with the next change).
        State.LastHeartbeat = Now;
        await Contact();
        return State.LastHeartbeat.Value;
    }

    public async Task<DateTime> Boot(BootInfo boot)
    {
        State.Boot = boot;
        State.LastHeartbeat = Now;
        await Contact();
        await Persist();
        return State.LastHeartbeat.Value;
    }

    public async Task<ChargerView> Deregister()
    {
        if (ChargerRegistry.Decommission(ChargerId, State, Now))
        {
            await ChargerRegistry.MoveToSite(GrainFactory, ChargerId, State, null);
            await Persist();
        }

        return View();
    }

    public async Task<LocalListUpdate?> PlanLocalList(int? heldVersion)
    {
        var (update, changed) = await _localList.Plan(heldVersion);
        await (changed ? Persist() : Task.CompletedTask);
        return update;
    }

    public Task LocalListAnswered(int version, string status) => _localList.Answered(version, status) ? Persist() : Task.CompletedTask;

    public Task ApplyAllowance(string sessionId, double allowanceW) =>
        State.Active.TryGetValue(sessionId, out var active) ? _load.Apply(sessionId, active, allowanceW) : Task.CompletedTask;

    public Task<double?> DefaultLimit() => _load.DefaultLimit();

    public Task LimitAnswered(string sessionId, string status) => _load.Answered(sessionId, status);

    public Task<AvailabilityView> GetAvailability(DateTime from, DateTime to) =>
        Task.FromResult(_presence.Availability(ChargerId, from, to, Now));

    public Task<ChargerView> GetView()
    {
        if (!ChargerRegistry.Known(State))
        {
            throw ChargeException.NotFound($"charger '{ChargerId}' is not known: it has never reported");
        }

        return Task.FromResult(View());
    }

    public Task<PricedEstimate> Estimate(ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd, string? tariffGroup) =>
        Tariffs.TariffInForce.Estimate(GrainFactory, ChargerId, State.SiteId, periods, sessionEnd, tariffGroup);

    public async Task<ChargerView> SetSite(string? siteId)
    {
        await ChargerRegistry.MoveToSite(GrainFactory, ChargerId, State, siteId);
        await Persist();
        return View();
    }

    public Task<ChargerLive> GetLive()
    {
        var power = 0.0;
        foreach (var sessionId in State.Active.Keys)
        {
            // The last reading this charger passed on for the session (kept in memory); none yet: no power known.
            power += _outbox.LastPowerW(sessionId) ?? 0;
        }

        return Task.FromResult(new ChargerLive(ChargerId, State.Active.Count, power));
    }

    public async Task<ChargerView> Register(ChargerRegistration registration)
    {
        ChargerRegistry.Apply(State, registration);
        State.RegisteredAt ??= Now;
        // Registering a decommissioned charger again puts it back in service.
        State.DecommissionedAt = null;
        await ChargerRegistry.MoveToSite(GrainFactory, ChargerId, State, registration.SiteId);
        await Persist();
        await GrainFactory.GetGrain<IChargerDirectoryGrain>(IChargerDirectoryGrain.Key).Add(ChargerId);
        return View();
    }

    public Task<bool> VerifyCredential(string credentialHash) => Task.FromResult(ChargerRegistry.Verify(State, credentialHash));

    public Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit) =>
        Task.FromResult(SessionIndex.Query(State.History, from, to, limit));

    private ChargerView View()
    {
        var now = Now;
        var online = _presence.Online(now, _channels.OcppOpen(now), _channels.StationOpen(now));
        return ChargerRegistry.View(ChargerId, State, _board, _lastContact, _channels.Ocpp, _channels.Station, _outbox.LastPowerW, online);
    }

    private async Task<ChargeException> NotActiveHere(string sessionId, string what) =>
        await OwnSession(sessionId) is { } view
            ? ChargeException.FailedPrecondition($"session '{sessionId}' is {view.Status.ToString().ToLowerInvariant()}: {what}")
            : NoSuchSession(sessionId);

    private async Task Persist()
    {
        await _state.WriteOrUnavailable(GrainContext, e => LogStorageFailed(e, ChargerId));
        _presence.Written();
    }
}
