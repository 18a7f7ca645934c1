using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Charge.Grains.Chargers;

/// <summary>A charge point: owns its connectors and active sessions, and publishes meter batches on each session's stream.</summary>
public sealed partial class ChargerGrain : Grain, IChargerGrain, IRemindable
{
    private const string SweepReminder = "abandoned-sessions";

    /// <summary>Sessions kept per charger for listing; older ones are found through the archive.</summary>
    public const int HistoryLimit = 2000;

    private readonly IPersistentState<ChargerState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger<ChargerGrain> _logger;
    private readonly ChargerChannels _channels;
    private readonly MeterBatchOutbox _outbox;
    private IStreamProvider? _streams;
    private readonly Sessions.SessionOptions _sessionOptions;

    // The last reading, status, heartbeat or start seen from the charger. Kept in memory (not worth a write per
    // message): after a reactivation it starts at the activation, so the sweep never closes a session early.
    private DateTime _lastContact;

    public ChargerGrain(
        [PersistentState("charger", StorageNames.Charge)] IPersistentState<ChargerState> state,
        TimeProvider time,
        Microsoft.Extensions.Options.IOptions<Sessions.SessionOptions> sessionOptions,
        Sessions.IReadingLog log,
        ILogger<ChargerGrain> logger)
    {
        _state = state;
        _time = time;
        _channels = new ChargerChannels(this.GetPrimaryKeyString());
        _sessionOptions = sessionOptions.Value;
        _logger = logger;
        _outbox = new MeterBatchOutbox(this.GetPrimaryKeyString(), _sessionOptions.Acknowledge == Sessions.AcknowledgeMode.Durable, log, time,
            () => _streams ??= this.GetStreamProvider(StreamNames.Provider),
            e => LogStorageFailed(e, ChargerId), (e, sessionId, position) => LogPublishFailed(e, sessionId, position));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastContact = Now;
        return Task.CompletedTask;
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private string ChargerId => this.GetPrimaryKeyString();

    private ChargerState State => _state.State;

    public async Task<SessionView> StartSession(StartSessionCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.IdTag) || command.IdTag.Length > Limits.MaxIdLength)
        {
            throw ChargeException.InvalidArgument($"id_tag must be 1 to {Limits.MaxIdLength} characters");
        }

        command = command with { SessionId = SessionIds.Of(ChargerId, command.SessionId), ChargerId = ChargerId };
        var connector = Connector(command.ConnectorId);
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

        var siteZone = State.SiteId is { } site ? (await GrainFactory.GetGrain<ISiteGrain>(site).Get()).Info?.TimeZone : null;
        var view = await session.Start(command,
            new SessionTerms(await Tariffs.TariffInForce.At(GrainFactory, ChargerId, State.SiteId, command.Timestamp), State.SiteId, siteZone, MaxPowerOf(command.ConnectorId)));
        _lastContact = Now;
        if (view.Status == SessionStatus.Active && !State.Active.ContainsKey(command.SessionId))
        {
            connector.ActiveSessionId = command.SessionId;
            connector.Status = ConnectorStatus.Charging;
            connector.StatusAt = command.Timestamp;
            State.Active[command.SessionId] = new ActiveSession { ConnectorId = command.ConnectorId };
            var reference = new SessionRef(command.SessionId, ChargerId, command.IdTag, command.Timestamp);
            SessionIndex.Add(State.History, reference, HistoryLimit);

            await Persist();
            await GrainFactory.GetGrain<IIdTagGrain>(command.IdTag).AddSession(reference);
            await EnsureSweep();
        }

        return view;
    }

    /// <summary>The connector's registered maximum power, else the charger's, else the most its power type can draw.</summary>
    private double MaxPowerOf(int connectorId) =>
        State.ConnectorMaxPowerW is { } perConnector && perConnector.TryGetValue(connectorId, out var own) ? own
        : State.MaxPowerW ?? Limits.DefaultMaxPowerW(State.Kind?.PowerType);

    /// <summary>
    /// Closes a session running here without the charger's stop, handing over the batches not yet delivered, and
    /// frees its connector.
    /// </summary>
    private async Task<SessionView> CloseActive(string sessionId, CloseSessionCommand command)
    {
        var view = await GrainFactory.GetGrain<ISessionGrain>(sessionId).Close(command, _outbox.Recent(sessionId));
        LogClosedWithoutStop(sessionId, command.Reason, command.ClosedBy);
        Release(sessionId, command.ClosedAt);
        await Persist();
        return view;
    }

    private void Release(string sessionId, DateTime at)
    {
        _outbox.Forget(sessionId);
        if (State.Active.Remove(sessionId, out var active))
        {
            var connector = Connector(active.ConnectorId);
            if (connector.ActiveSessionId == sessionId)
            {
                connector.ActiveSessionId = null;
                connector.Status = ConnectorStatus.Available;
                connector.StatusAt = at;
            }
        }
    }

    public async Task<SessionView> CloseSession(string sessionId, CloseSessionCommand command)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        if (State.Active.ContainsKey(sessionId))
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

        var session = GrainFactory.GetGrain<ISessionGrain>(sessionId);
        var command = new StationCommand(Guid.CreateVersion7().ToString("N"), StationCommandKind.RemoteStop, sessionId, active.ConnectorId, requestedBy);
        if (_channels.Ocpp && active.TransactionId is not null)
        {
            var status = await _channels.OverOcpp("RemoteStopTransaction", channel => channel.Deliver(command));
            return new StopRequestResult("ocpp", status, await session.GetView());
        }

        if (await _channels.DeliverToStation(command))
        {
            return new StopRequestResult("station-stream", "Sent", await session.GetView());
        }

        throw ChargeException.FailedPrecondition(
            $"charger '{ChargerId}' is not connected (no OCPP socket, no open command stream): it cannot be asked to stop session '{sessionId}'; an operator can force-close it");
    }

    public Task AttachStation(IStationCommandChannel channel)
    {
        _channels.Attach(channel);
        _lastContact = Now;
        return Task.CompletedTask;
    }

    public Task DetachStation(IStationCommandChannel channel)
    {
        _channels.Detach(channel);
        return Task.CompletedTask;
    }

    /// <summary>A durable reminder drives the sweep while sessions run here, so it happens after any crash too.</summary>
    private async Task EnsureSweep()
    {
        if (_sessionOptions.AbandonedAfter > TimeSpan.Zero)
        {
            var period = _sessionOptions.AbandonedSweepPeriod;
            await this.RegisterOrUpdateReminder(SweepReminder, period, period);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SweepReminder)
        {
            return;
        }

        await SweepAbandoned();
        if (State.Active.Count == 0 && await this.GetReminder(SweepReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<int> SweepAbandoned()
    {
        var after = _sessionOptions.AbandonedAfter;
        if (after <= TimeSpan.Zero)
        {
            return 0;
        }

        var now = Now;
        var closed = 0;
        foreach (var sessionId in State.Active.Keys.ToArray())
        {
            var view = await GrainFactory.GetGrain<ISessionGrain>(sessionId).GetView();
            var lastReading = view.LastReadingAt ?? view.StartedAt;
            // Station clocks drift: a reading's own timestamp is compared with the server's clock only as a lower bound.
            var lastSign = new[] { _lastContact, lastReading <= now ? lastReading : now }.Max();
            if (now - lastSign >= after)
            {
                await CloseActive(sessionId, new CloseSessionCommand(CloseReasons.Abandoned, "system", now));
                closed++;
            }
        }

        return closed;
    }

    public async Task<MeterValuesAccepted> ReportMeterValues(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        _lastContact = Now;
        if (!State.Active.TryGetValue(sessionId, out var active))
        {
            throw await NotActiveHere(sessionId, "readings after stop are rejected");
        }

        var batch = await _outbox.Accept(sessionId, readings);
        active.LastSequence = batch.Sequence;
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
        _lastContact = Now;
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
        Release(command.SessionId, command.Timestamp);
        await Persist();
        return view;
    }

    public async Task<OcppTransaction> StartTransaction(OcppStart start)
    {
        // A charger that lost the answer sends the same StartTransaction again: give it the same transaction.
        if (Connector(start.ConnectorId).ActiveSessionId is { } current
            && State.Active.TryGetValue(current, out var running) && running.TransactionId is { } existing)
        {
            var view = await GrainFactory.GetGrain<ISessionGrain>(current).GetView();
            if (view.IdTag == start.IdTag && view.MeterStartWh == start.MeterStartWh && view.StartedAt == start.Timestamp)
            {
                return new OcppTransaction(existing, view);
            }
        }

        var transactionId = State.LastTransactionId + 1;
        var sessionId = SessionIds.OfTransaction(ChargerId, transactionId);
        var started = await StartSession(new StartSessionCommand(sessionId, ChargerId, start.ConnectorId, start.IdTag, start.MeterStartWh, start.Timestamp));
        State.LastTransactionId = transactionId;
        if (State.Active.TryGetValue(sessionId, out var active))
        {
            active.TransactionId = transactionId;
        }

        await Persist();
        return new OcppTransaction(transactionId, started);
    }

    public async Task<int> ReportMeterValuesAccepting(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        _lastContact = Now;
        if (State.Active.ContainsKey(sessionId))
        {
            return (await ReportMeterValues(sessionId, readings)).Accepted;
        }

        if (await OwnSession(sessionId) is not null)
        {
            // A finished session of ours records late readings as anomalies when they reach it.
            await _outbox.PublishLate(sessionId, readings);
            return 0;
        }

        foreach (var r in readings)
        {
            State.AnomalyCount++;
            if (State.Anomalies.Count < _sessionOptions.MaxAnomaliesKept)
            {
                State.Anomalies.Add(new MeterAnomaly(AnomalyKind.UnknownSession, r.Timestamp, r.EnergyWh, $"no session '{sessionId}' on this charger"));
            }
        }

        await Persist();
        return 0;
    }

    public Task AttachOcpp(IOcppChannel channel)
    {
        _channels.Attach(channel);
        return Task.CompletedTask;
    }

    public Task DetachOcpp(IOcppChannel channel)
    {
        _channels.Detach(channel);
        return Task.CompletedTask;
    }

    public Task<string> SendOcpp(string action, string payloadJson) => _channels.OverOcpp(action, channel => channel.Call(action, payloadJson));

    public async Task<ChargerView> ReportStatus(StatusReport report)
    {
        _lastContact = Now;
        var connector = Connector(report.ConnectorId);
        // Status notifications queued by an offline charger may arrive late: an older one never overrides a newer one.
        if (connector.StatusAt is null || report.Timestamp >= connector.StatusAt)
        {
            connector.Status = report.Status;
            connector.ErrorCode = report.ErrorCode;
            connector.StatusAt = report.Timestamp;
            await Persist();
        }

        return View();
    }

    public Task<DateTime> Heartbeat(DateTime timestamp)
    {
        var now = Now;
        // Liveness only: not worth a storage write per heartbeat.
        State.LastHeartbeat = now;
        _lastContact = now;
        return Task.FromResult(now);
    }

    public Task<ChargerView> GetView()
    {
        if (State.Connectors.Count == 0 && State.LastHeartbeat is null && State.SiteId is null && State.CredentialHash is null)
        {
            throw ChargeException.NotFound($"charger '{ChargerId}' is not known: it has never reported");
        }

        return Task.FromResult(View());
    }

    public Task<PricedEstimate> Estimate(ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd) =>
        Tariffs.TariffInForce.Estimate(GrainFactory, ChargerId, State.SiteId, periods, sessionEnd);

    public async Task<ChargerView> SetSite(string? siteId)
    {
        await MoveToSite(siteId);
        await Persist();
        return View();
    }

    /// <summary>Keeps the sites' charger lists in step with this charger's site (the charger's state is the truth).</summary>
    private async Task MoveToSite(string? siteId)
    {
        if (State.SiteId is { } old && old != siteId)
        {
            await GrainFactory.GetGrain<ISiteGrain>(old).RemoveCharger(ChargerId);
        }

        if (siteId is not null)
        {
            await GrainFactory.GetGrain<ISiteGrain>(siteId).AddCharger(ChargerId, State.ConnectorCount);
        }

        State.SiteId = siteId;
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
        if (registration.ConnectorCount is < 1 or > Limits.MaxConnectors)
        {
            throw ChargeException.InvalidArgument($"connector_count must be 1..{Limits.MaxConnectors}");
        }

        State.ConnectorCount = registration.ConnectorCount;
        State.CredentialHash = registration.CredentialHash;
        State.Kind = registration.Kind ?? State.Kind;
        State.MaxPowerW = registration.MaxPowerW;
        State.ConnectorMaxPowerW = registration.ConnectorMaxPowerW;
        await MoveToSite(registration.SiteId);
        await Persist();
        return View();
    }

    public Task<bool> VerifyCredential(string credentialHash) =>
        Task.FromResult(State.CredentialHash is { } stored
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(credentialHash)));

    public Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit) =>
        Task.FromResult(SessionIndex.Query(State.History, from, to, limit));

    private ChargerView View() => new(
        ChargerId,
        [.. State.Connectors.OrderBy(c => c.Key)
            .Select(c => new ConnectorView(c.Key, c.Value.Status, c.Value.ActiveSessionId, c.Value.ErrorCode, c.Value.StatusAt))],
        State.LastHeartbeat,
        Known: true,
        State.SiteId,
        State.AnomalyCount,
        [.. State.Anomalies],
        Registered: State.CredentialHash is not null,
        State.ConnectorCount,
        State.Kind ?? ConnectorKind.Default,
        Enumerable.Range(1, Math.Max(State.ConnectorCount, State.Connectors.Keys.DefaultIfEmpty(0).Max()))
            .ToImmutableDictionary(c => c, MaxPowerOf),
        _lastContact,
        _channels.Ocpp,
        _channels.Station);

    private ConnectorState Connector(int connectorId)
    {
        // A registered charger has exactly the connectors the operator declared.
        if (State.ConnectorCount > 0 && connectorId > State.ConnectorCount)
        {
            throw ChargeException.InvalidArgument(
                $"charger '{ChargerId}' has {State.ConnectorCount} connector(s); connector {connectorId} does not exist");
        }

        if (!State.Connectors.TryGetValue(connectorId, out var connector))
        {
            connector = new ConnectorState();
            State.Connectors[connectorId] = connector;
        }

        return connector;
    }

    private async Task<ChargeException> NotActiveHere(string sessionId, string what) =>
        await OwnSession(sessionId) is { } view
            ? ChargeException.FailedPrecondition($"session '{sessionId}' is {view.Status.ToString().ToLowerInvariant()}: {what}")
            : NoSuchSession(sessionId);

    private Task Persist() => _state.WriteOrUnavailable(GrainContext, e => LogStorageFailed(e, ChargerId));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charger {ChargerId}: storage call failed")]
    private partial void LogStorageFailed(Exception e, string chargerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: batch {Position} is logged but its stream message failed; the session reads it from the log")]
    private partial void LogPublishFailed(Exception e, string sessionId, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} closed without the charger's stop: {Reason} by {ClosedBy}")]
    private partial void LogClosedWithoutStop(string sessionId, string reason, string closedBy);
}
