using Microsoft.Extensions.DependencyInjection;
using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Charge.Grains.Chargers;

/// <summary>A charge point: owns its connectors and active sessions, and publishes meter batches on each session's stream.</summary>
public sealed class ChargerGrain : Grain, IChargerGrain, IRemindable
{
    private readonly ChargerRecord _record;
    private readonly ILogger<ChargerGrain> _logger;
    private readonly ChargerChannels _channels;
    private readonly MeterBatchOutbox _outbox;
    private readonly ConnectorBoard _board;
    private readonly AbandonedSweep _sweep;
    private readonly ChargerPresence _presence;
    private readonly LocalListSync _localList;
    private readonly ChargerLoad _load;
    private readonly ChargerSessions _sessions;
    private readonly EventTransactions _transactions;

    public ChargerGrain(
        [PersistentState("charger", StorageNames.Charge)] IPersistentState<ChargerState> state,
        TimeProvider time,
        Microsoft.Extensions.Options.IOptions<Sessions.SessionOptions> sessionOptions,
        Microsoft.Extensions.Options.IOptions<FleetOptions> fleetOptions,
        Microsoft.Extensions.Options.IOptions<Tokens.AuthorizationOptions> authorization,
        Sessions.IReadingLog log,
        Storage.NewGrains newGrains,
        IGrainFactory grains,
        ILogger<ChargerGrain> logger)
    {
        // The grain is the charger's contracts over these pieces; they share the record, and none holds the grain.
        var chargerId = this.GetPrimaryKeyString();
        var options = sessionOptions.Value;
        _logger = logger;
        _record = new ChargerRecord(chargerId, state, GrainContext, grains, time, fleetOptions.Value, logger);
        _presence = _record.Presence;
        _channels = new ChargerChannels(chargerId);
        _board = new ConnectorBoard(_record);
        _sweep = new AbandonedSweep(GrainContext, options);
        _localList = new LocalListSync(_record, authorization.Value.LocalList);
        _load = new ChargerLoad(_record, _channels, _board, (id, status) => logger.LimitRefused(id, status));
        var streams = GrainContext.ActivationServices;
        _outbox = new MeterBatchOutbox(chargerId, options.Acknowledge == Sessions.AcknowledgeMode.Durable, log, time,
            new Lazy<IStreamProvider>(() => streams.GetRequiredKeyedService<IStreamProvider>(StreamNames.Provider)),
            e => logger.StorageFailed(e, chargerId), (e, sessionId, position) => logger.PublishFailed(e, sessionId, position));
        _sessions = new ChargerSessions(_record, _board, _outbox, new SessionStarts(_record, _board), _load, _sweep, _channels, options, newGrains, logger);
        _transactions = new EventTransactions(_record, _sessions, options);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record.Activated();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Not after a failed or conflicting write (DurableWrite deactivates with ApplicationError): the state in memory
        // then holds a change its caller was told was not applied, and the stored record stays the truth.
        if (_presence.Unwritten && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
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

    private Task Contact() => _record.Contact();

    private DateTime Now => _record.Now;

    private string ChargerId => _record.ChargerId;

    private ChargerState State => _record.State;

    public Task<SessionView> StartSession(StartSessionCommand command) => _sessions.Start(command);

    public Task<TransactionEventOutcome> TransactionEvent(TransactionEventReport report) => _transactions.Apply(report);

    public Task<SessionView?> TransactionQueueEmpty(string transactionId) => _transactions.QueueEmpty(transactionId);

    public async Task ReportIdleMeter(int connectorId, ImmutableArray<MeterReading> readings)
    {
        await Contact();
        if (readings.IsDefaultOrEmpty)
        {
            return;
        }

        var newest = readings.MaxBy(r => r.Timestamp)!;
        if (!State.IdleMeters.TryGetValue(connectorId, out var held) || held.Timestamp < newest.Timestamp)
        {
            State.IdleMeters[connectorId] = newest;
            await Persist();
        }
    }

    public Task<SessionView> CloseSession(string sessionId, CloseSessionCommand command) => _sessions.Close(sessionId, command);

    public Task<StopRequestResult> RequestStop(string sessionId, string requestedBy) => _sessions.RequestStop(sessionId, requestedBy);

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

        await _sessions.FollowUps();
        await _transactions.Tick();
        if (_sweep.SweepDue(Now))
        {
            await SweepAbandoned();
        }

        await _sessions.IdleWithoutReminder();
    }

    public Task<int> SweepAbandoned() => _sessions.SweepAbandoned(_record.LastContact);

    public Task SessionSettled(string sessionId)
    {
        _sessions.Settled(sessionId);
        return Task.CompletedTask;
    }

    public Task<MeterValuesAccepted> ReportMeterValues(string sessionId, ImmutableArray<MeterReading> readings) => _sessions.Report(sessionId, readings);

    public Task<SessionView> StopSession(StopSessionCommand command) => _sessions.Stop(command);

    public Task<OcppTransaction> StartTransaction(OcppStart start) => _sessions.StartTransaction(start);

    public Task<int> ReportMeterValuesAccepting(string sessionId, ImmutableArray<MeterReading> readings) => _sessions.ReportAccepting(sessionId, readings);

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

    public Task<string> Operate(OperatorCommand command) => _channels.OverOcpp(command.Kind.ToString(), channel => channel.Operate(command));

    public async Task<ChargerView> ReportStatus(StatusReport report)
    {
        // A new status and the return from offline it may mark share one write.
        var returned = _record.Heard();
        var changed = _board.ApplyStatus(report, Now);
        if (changed)
        {
            _presence.Faulted(_board.ChargerFaulted(), report.Timestamp);
        }

        if (changed | returned)
        {
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
        // What the charger says it is (vendor, model, firmware, serial) is written before the answer when it changed;
        // a reboot of the same charger changes only its boot time, written with the next write like last-seen. The
        // return from offline a boot marks is written at once, in the same write: a storm of chargers rebooting after
        // a restart costs one write each, not three.
        var changed = State.Boot is not { } before || before with { BootedAt = boot.BootedAt } != boot;
        State.Boot = boot;
        State.LastHeartbeat = Now;
        if (_record.Heard() | changed)
        {
            await Persist();
        }

        return State.LastHeartbeat.Value;
    }

    public async Task<ChargerView> Deregister()
    {
        if (ChargerRegistry.Decommission(ChargerId, State, Now))
        {
            await ChargerRegistry.LeaveSite(GrainFactory, ChargerId, State);
            await Persist();
            _channels.Revoke("the charger was decommissioned");
        }

        return View();
    }

    public async Task<LocalListUpdate?> PlanLocalList(int? heldVersion)
    {
        var (update, changed) = await _localList.Plan(heldVersion);
        await (changed ? Persist() : Task.CompletedTask);
        return update;
    }

    public async Task ReportChargingLimit(ExternalChargingLimit limit)
    {
        await Contact();
        if (limit.LimitW is { } w)
        {
            State.ExternalLimitsW[limit.ConnectorId] = w;
        }
        else if (limit.ConnectorId == 0)
        {
            // Cleared for the whole charger: every limit of that source goes (the charger names no EVSE).
            State.ExternalLimitsW.Clear();
        }
        else
        {
            State.ExternalLimitsW.Remove(limit.ConnectorId);
        }

        _logger.ExternalLimit(ChargerId, limit.ConnectorId, limit.LimitW, limit.Source);
        await Persist();
        await _load.Restated(State.Active.Where(a => limit.ConnectorId == 0 || a.Value.ConnectorId == limit.ConnectorId).Select(a => (a.Key, a.Value)).ToList());
    }

    /// <summary>Security events kept per charger (the newest).</summary>
    public const int SecurityEventsKept = 100;

    public async Task ReportSecurityEvent(SecurityEvent securityEvent)
    {
        await Contact();
        State.SecurityEventCount++;
        State.SecurityEvents.Add(securityEvent with { ReceivedAt = Now });
        if (State.SecurityEvents.Count > SecurityEventsKept)
        {
            State.SecurityEvents.RemoveAt(0);
        }

        Telemetry.GrainMetrics.SecurityEvent(securityEvent.Type);
        _logger.SecurityEventReported(ChargerId, securityEvent.Type, securityEvent.TechInfo ?? "");
        // Kept before it is answered: a security event the charger was told was received must not be lost.
        await Persist();
    }

    public Task LocalListAnswered(int version, string status) => _localList.Answered(version, status) ? Persist() : Task.CompletedTask;

    public Task ApplyAllowance(string sessionId, double allowanceW) =>
        State.Active.TryGetValue(sessionId, out var active) ? _load.Apply(sessionId, active, allowanceW) : Task.CompletedTask;

    public Task<double?> DefaultLimit() => _load.DefaultLimit();

    public async Task SiteLimitsChanged()
    {
        if (_channels.OcppOpen(Now) && _channels.OcppChannel is { } ocpp)
        {
            _ = ocpp.DefaultLimit(await _load.DefaultLimit());
        }
    }

    public Task LimitAnswered(string sessionId, string status, double allowanceW) => _load.Answered(sessionId, status, allowanceW);

    public Task<AvailabilityView> GetAvailability(DateTime from, DateTime to) =>
        Task.FromResult(_presence.Availability(ChargerId, from, to, Now));

    public Task<ChargerView> GetView()
    {
        if (!ChargerRegistry.Known(State))
        {
            throw ChargeException.NotFound($"charger '{ChargerId}' is not known: it is not registered and has never reported");
        }

        return Task.FromResult(View());
    }

    public Task<PricedEstimate> Estimate(ImmutableArray<ChargingPeriod> periods, DateTime sessionEnd, string? tariffGroup) =>
        Tariffs.TariffInForce.Estimate(GrainFactory, ChargerId, State.SiteId, periods, sessionEnd, tariffGroup);

    public async Task<ChargerView> SetSite(string? siteId)
    {
        if (!ChargerRegistry.Known(State))
        {
            throw ChargeException.NotFound($"charger '{ChargerId}' is not registered");
        }

        await MoveTo(siteId);
        return View();
    }

    /// <summary>The charger joins the site (or none), written; its running sessions move to that site's balancer.</summary>
    private async Task MoveTo(string? siteId)
    {
        var moved = State.SiteId != siteId;
        await ChargerRegistry.MoveToSite(GrainFactory, ChargerId, State, siteId, State.ConnectorCount);
        await Persist();
        await MovedSessions(moved);
    }

    private async Task MovedSessions(bool moved)
    {
        if (moved && State.Active.Count > 0)
        {
            await _load.Moved((sessionId, e) => _logger.LoadNotTold(e, sessionId));
            await Persist();
        }
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
        ChargerRegistry.Check(State, registration);
        var rotated = State.CredentialHash is { } held && held != registration.CredentialHash;
        // A registration that names no site keeps the charger where it is (a secret rotation changes the secret only);
        // SetSite with none takes it out of its site.
        var siteId = registration.SiteId ?? State.SiteId;
        var moved = siteId != State.SiteId;
        await ChargerRegistry.MoveToSite(GrainFactory, ChargerId, State, siteId, registration.ConnectorCount);
        ChargerRegistry.Apply(State, registration);
        State.RegisteredAt ??= Now;
        // Registering a decommissioned charger again puts it back in service.
        State.DecommissionedAt = null;
        // Listed before the credential is stored: gateways verify only listed chargers, so a stored credential must
        // never be unlisted (a listed charger whose write failed has no credential and is refused as before).
        await GrainFactory.GetGrain<IChargerDirectoryGrain>(IChargerDirectoryGrain.Key).Add(ChargerId);
        await Persist();
        if (rotated)
        {
            // Sockets and streams opened with the old secret go with it (a rotation is usually done because it leaked).
            _channels.Revoke("the charger's secret was rotated: connect again with the new one");
        }

        await MovedSessions(moved);
        return View();
    }

    public Task<bool> VerifyCredential(string credentialHash) => Task.FromResult(ChargerRegistry.Verify(State, credentialHash));

    public Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit) =>
        ChargerHistory.Query(GrainFactory, ChargerId, State, from, to, limit);

    private ChargerView View()
    {
        var now = Now;
        var online = _presence.Online(now, _channels.OcppOpen(now), _channels.StationOpen(now));
        return ChargerRegistry.View(ChargerId, State, _board, _record.LastContact, _channels.Ocpp, _channels.Station, _outbox.LastPowerW, online)
            with { PendingStops = [.. _sessions.PendingStops] };
    }

    private Task Persist() => _record.Persist();
}
