using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Chargers;

/// <summary>
/// The sessions of one charger from start to stop, by gRPC or OCPP: opening one on a connector (authorized, with the
/// terms the charger fixes), passing its readings on, stopping or closing it and freeing its connector, the
/// transaction IDs of OCPP, and readings that reach no running session.
/// </summary>
internal sealed class ChargerSessions(
    ChargerRecord record,
    ConnectorBoard board,
    MeterBatchOutbox outbox,
    SessionStarts starts,
    ChargerLoad load,
    AbandonedSweep sweep,
    ChargerChannels channels,
    Sessions.SessionOptions options,
    Storage.NewGrains newGrains,
    ILogger logger)
{
    // Entries of State.Unsettled seen done and not yet written.
    private bool _unsettledChanged;

    private ChargerState State => record.State;

    private string ChargerId => record.ChargerId;

    private ISessionGrain Session(string sessionId) => record.Grains.GetGrain<ISessionGrain>(sessionId);

    public async Task<SessionView> Start(StartSessionCommand command)
    {
        RecentEnough(command.Timestamp);
        var (view, refusal) = await Open(command, transactionId: null, overOcpp: false);
        return view ?? throw ChargeException.PermissionDenied($"{refusal!.Reason}: the session was not started");
    }

    /// <summary>Starts a session whose ID the station chose (an OCPP 2.0.1 transaction): the session, or the registry's refusal.</summary>
    public async Task<(SessionView? Session, TokenAuthorization? Refusal)> OpenSession(StartSessionCommand command)
    {
        RecentEnough(command.Timestamp);
        return await Open(command, transactionId: null, overOcpp: true);
    }

    /// <summary>
    /// Starts a session unless the token registry refuses its id_tag; a refused start is kept for the operator and
    /// nothing else of it is recorded. Either the started view or the refusal.
    /// </summary>
    private async Task<(SessionView? View, TokenAuthorization? Refusal)> Open(StartSessionCommand command, int? transactionId, bool overOcpp)
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
        var connector = board.Connector(command.ConnectorId);
        var session = Session(command.SessionId);
        if (connector.ActiveSessionId is { } current && current != command.SessionId
            && (await session.GetView()).Status == SessionStatus.None)
        {
            // A charger starts only on a free connector (OCPP 1.6), so the session still running here lost its stop.
            await CloseActive(current, new CloseSessionCommand(CloseReasons.Superseded, "system", record.Now));
        }

        if (connector.ActiveSessionId is null && connector.Status is ConnectorStatus.Faulted or ConnectorStatus.Unavailable)
        {
            throw ChargeException.FailedPrecondition(
                $"connector {command.ConnectorId} of charger '{ChargerId}' is {connector.Status}");
        }

        // A retried start of a session running here was authorized when it began.
        var authorization = board.IsActive(command.SessionId) ? null : await starts.Authorize(command, transactionId, record.Now);
        if (authorization is { Authorization.Accepted: false })
        {
            await record.Contact();
            await record.Persist();
            logger.Refused(command.IdTag, command.ConnectorId, authorization.Authorization.Status);
            return (null, authorization.Authorization);
        }

        var (terms, tariffGroup) = await starts.Terms(command, authorization);
        SessionView view;
        // The session of a transaction ID just allocated here has nothing in storage: its activation need not read it
        // (one round trip fewer before the start is written).
        using (transactionId is null ? null : newGrains.Creating(session.GetGrainId()))
        {
            view = await session.Start(command, terms);
        }

        await record.Contact();
        if (view.Status == SessionStatus.Active)
        {
            var reference = new SessionRef(command.SessionId, ChargerId, command.IdTag, command.Timestamp);
            if (!board.IsActive(command.SessionId))
            {
                var active = board.Occupy(command.SessionId, command.ConnectorId, command.Timestamp);
                active.TransactionId = transactionId;
                active.OverOcpp = overOcpp || transactionId is not null;
                active.SlotOfIdTag = authorization is { HoldsSlot: true } ? command.IdTag : null;
                load.Starting(active, tariffGroup);
                var month = ChargerHistory.Note(State, reference);

                // The session is written; what the charger records of it and where it is listed are independent
                // writes: together, not one after another (a start waits for the slowest, not for their sum). A
                // failure of any is Unavailable to the caller, who retries.
                await Task.WhenAll(
                    record.Persist(),
                    ChargerHistory.Add(record.Grains, ChargerId, month, reference),
                    starts.Index(reference, terms.CustomerId),
                    load.Started(command.SessionId, active),
                    sweep.Ensure());
            }
            else
            {
                // A retried start of a session running here: the listings its first attempt may have failed to write
                // (each add is idempotent; the charger's own record has it already).
                await Task.WhenAll(
                    ChargerHistory.Add(record.Grains, ChargerId, ChargerHistory.Note(State, reference), reference),
                    starts.Index(reference, terms.CustomerId),
                    sweep.Ensure());
            }
        }

        return (view, null);
    }

    /// <summary>
    /// Closes a session running here without the charger's stop, handing over the batches not yet delivered, and
    /// frees its connector.
    /// </summary>
    private async Task<SessionView> CloseActive(string sessionId, CloseSessionCommand command)
    {
        var view = await Session(sessionId).Close(command, outbox.Recent(sessionId));
        logger.ClosedWithoutStop(sessionId, command.Reason, command.ClosedBy);
        await Release(sessionId, command.ClosedAt);
        return view;
    }

    /// <summary>
    /// Frees the session's connector and lists it as unsettled until its follow-up is seen done (written together),
    /// then frees its id_tag's concurrent-session slot.
    /// </summary>
    private async Task Release(string sessionId, DateTime at)
    {
        outbox.Forget(sessionId);
        var ended = board.Release(sessionId, at);
        if (!State.Unsettled.Contains(sessionId))
        {
            State.Unsettled.Add(sessionId);
        }

        await record.Persist();
        // The site's balancer and the id_tag's slot are told together; neither failure undoes the release.
        await Task.WhenAll(
            ended is null ? Task.CompletedTask : load.Ended(sessionId, ended, e => logger.LoadNotTold(e, sessionId)),
            ended?.SlotOfIdTag is { } idTag ? FreeSlot(idTag, sessionId) : Task.CompletedTask);
    }

    private async Task FreeSlot(string idTag, string sessionId)
    {
        try
        {
            await record.Grains.GetGrain<ITokenGrain>(idTag).Ended(sessionId);
        }
        catch (Exception e) when (e is not ChargeException)
        {
            // The token finds the session ended when it next counts its sessions at the limit.
            logger.SlotNotReleased(e, sessionId, idTag);
        }
    }

    public async Task<SessionView> Close(string sessionId, CloseSessionCommand command)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        if (board.IsActive(sessionId))
        {
            return await CloseActive(sessionId, command);
        }

        if (await OwnSession(sessionId) is null)
        {
            throw NoSuchSession(sessionId);
        }

        // Stopping (waiting for batches in flight) or completed: the session decides.
        return await Session(sessionId).Close(command, []);
    }

    // The remote stop asked of the charger for a session and not answered yet: later requests share its answer.
    private readonly Dictionary<string, Task<(string Channel, string Status)>> _stopsAsked = [];

    // Stops the charger was asked for (and answered) while the session runs on: shown to operators.
    private readonly Dictionary<string, PendingStop> _stopsPending = [];

    /// <summary>The stops asked for sessions still running here, oldest first.</summary>
    public IEnumerable<PendingStop> PendingStops =>
        _stopsPending.Values.Where(p => State.Active.ContainsKey(p.SessionId)).OrderBy(p => p.RequestedAt);

    /// <summary>
    /// Asks the charger to stop the session; while one such request is with the charger, more requests for the session
    /// get its answer instead of asking again (a driver pressing stop repeatedly must not queue remote stops in front
    /// of every other command to the charger, which would look offline meanwhile).
    /// </summary>
    public async Task<StopRequestResult> RequestStop(string sessionId, string requestedBy)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        if (!State.Active.TryGetValue(sessionId, out var active))
        {
            throw await NotActiveHere(sessionId, "there is nothing to stop");
        }

        if (!_stopsAsked.TryGetValue(sessionId, out var asked))
        {
            var command = new StationCommand(Guid.CreateVersion7().ToString("N"), StationCommandKind.RemoteStop, sessionId, active.ConnectorId, requestedBy);
            _stopsAsked[sessionId] = asked = channels.AskToStop(command, overOcpp: active.StartedOverOcpp);
        }

        try
        {
            var (channel, status) = await asked;
            // Asked: the session stays pending until the charger's own stop ends it (a later request keeps the first time).
            _stopsPending[sessionId] = _stopsPending.TryGetValue(sessionId, out var earlier)
                ? earlier with { Channel = channel, Status = status }
                : new PendingStop(sessionId, record.Now, requestedBy, channel, status);
            foreach (var gone in _stopsPending.Keys.Where(k => !State.Active.ContainsKey(k)).ToArray())
            {
                _stopsPending.Remove(gone);
            }

            return new StopRequestResult(channel, status, await Session(sessionId).GetView());
        }
        finally
        {
            if (_stopsAsked.TryGetValue(sessionId, out var current) && current == asked)
            {
                _stopsAsked.Remove(sessionId);
            }
        }
    }

    /// <summary>
    /// On the charger's reminder: asks each session stopped here to finish its follow-up; those done leave the list
    /// (written with the charger's next write: asking a done session again costs a call, not a record).
    /// </summary>
    public async Task FollowUps()
    {
        foreach (var sessionId in State.Unsettled.ToArray())
        {
            try
            {
                if (await Session(sessionId).EnsureFollowedUp())
                {
                    State.Unsettled.Remove(sessionId);
                    _unsettledChanged = true;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Asked again at the next tick.
                logger.FollowUpNotAsked(e, sessionId);
            }
        }
    }

    /// <summary>The session said it is followed up: it leaves the list, written with the charger's next write.</summary>
    public void Settled(string sessionId)
    {
        if (State.Unsettled.Remove(sessionId))
        {
            _unsettledChanged = true;
        }
    }

    /// <summary>Nothing runs or waits here any more: the trimmed list is written and the reminder goes.</summary>
    public async Task IdleWithoutReminder()
    {
        if (State.Active.Count > 0 || State.Unsettled.Count > 0)
        {
            return;
        }

        if (_unsettledChanged)
        {
            await record.Persist();
            _unsettledChanged = false;
        }

        await sweep.Stop();
    }

    /// <summary>Closes the running sessions not heard from for AbandonedAfter, and releases ended ones; how many.</summary>
    public Task<int> SweepAbandoned(DateTime lastContact)
    {
        var now = record.Now;
        return sweep.Sweep(State.Active.Keys, lastContact, now,
            sessionId => Session(sessionId).GetView(),
            (sessionId, reason) => CloseActive(sessionId, new CloseSessionCommand(reason, "system", now)));
    }

    public async Task<MeterValuesAccepted> Report(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        await record.Contact();
        if (!State.Active.TryGetValue(sessionId, out var active))
        {
            throw await NotActiveHere(sessionId, "readings after stop are rejected");
        }

        return await Accept(sessionId, active, readings);
    }

    /// <summary>A running session's batch: to its log and stream (MeterBatchOutbox), then its draw to the site's balancer.</summary>
    private async Task<MeterValuesAccepted> Accept(string sessionId, ActiveSession active, ImmutableArray<MeterReading> readings)
    {
        ChargeTelemetry.Tag(ChargerId, sessionId);
        var batch = await outbox.Accept(sessionId, readings);
        active.LastSequence = batch.Sequence;
        await load.Drawing(sessionId, active, outbox.LastPowerW(sessionId));
        return new MeterValuesAccepted(sessionId, readings.Length, batch.Sequence);
    }

    public async Task<SessionView> Stop(StopSessionCommand command)
    {
        command = command with { SessionId = SessionIds.Of(ChargerId, command.SessionId) };
        ChargeTelemetry.Tag(ChargerId, command.SessionId);
        await record.Contact();
        var session = Session(command.SessionId);
        if (!State.Active.TryGetValue(command.SessionId, out var active))
        {
            if (await OwnSession(command.SessionId) is null)
            {
                throw NoSuchSession(command.SessionId);
            }

            // Already stopped here: the session answers a repeated stop or refuses a different one.
            return await session.Stop(command, 0, []);
        }

        var view = await session.Stop(command, active.LastSequence, outbox.Recent(command.SessionId));
        await Release(command.SessionId, command.Timestamp);
        return view;
    }

    public async Task<OcppTransaction> StartTransaction(OcppStart start)
    {
        // A charger that lost the answer sends the same StartTransaction again: give it the same transaction.
        if (board.RunningOn(start.ConnectorId) is ({ } current, { TransactionId: { } existing }))
        {
            var running = await Session(current).GetView();
            if (running.IdTag == start.IdTag && running.MeterStartWh == start.MeterStartWh && running.StartedAt == start.Timestamp)
            {
                return new OcppTransaction(existing, running);
            }
        }

        if (StartRecords.RepeatedRefusal(State, start) is { } again)
        {
            return again;
        }

        // Before a transaction ID is spent: a refused start changes nothing.
        RecentEnough(start.Timestamp);
        var transactionId = ++State.LastTransactionId;
        var sessionId = SessionIds.OfTransaction(ChargerId, transactionId);
        var (view, refusal) = await Open(new StartSessionCommand(sessionId, ChargerId, start.ConnectorId, start.IdTag, start.MeterStartWh, start.Timestamp), transactionId, overOcpp: true);
        if (view is not null && !board.IsActive(sessionId))
        {
            // Open wrote the charger only for a started or refused session; the transaction ID is spent either way.
            await record.Persist();
        }

        return new OcppTransaction(transactionId, view, refusal);
    }

    /// <summary>
    /// OCPP readings: those of a running session are accepted; late ones of a finished session become its anomalies,
    /// those of a refused transaction are dropped and those of no session are the charger's anomalies. How many were
    /// accepted.
    /// </summary>
    public async Task<int> ReportAccepting(string sessionId, ImmutableArray<MeterReading> readings)
    {
        sessionId = SessionIds.Of(ChargerId, sessionId);
        await record.Contact();
        if (State.Active.TryGetValue(sessionId, out var active))
        {
            return (await Accept(sessionId, active, readings)).Accepted;
        }

        if (await OwnSession(sessionId) is not null)
        {
            // A finished session of ours records late readings as anomalies when they reach it.
            await outbox.PublishLate(sessionId, readings);
            return 0;
        }

        if (StartRecords.IsRefusedTransaction(State, ChargerId, sessionId))
        {
            // Readings of a transaction the registry refused: nothing to keep.
            return 0;
        }

        StartRecords.Unknown(State, sessionId, readings, options.MaxAnomaliesKept);
        await record.Persist();
        return 0;
    }

    /// <summary>A start no further behind now than <see cref="Sessions.SessionOptions.MaxStartAge"/>; InvalidArgument otherwise.</summary>
    private void RecentEnough(DateTime startedAt)
    {
        if (startedAt < record.Now - options.MaxStartAge)
        {
            throw ChargeException.InvalidArgument(
                $"timestamp {startedAt:O} is more than {options.MaxStartAge.TotalDays:0.#} days before now: a session cannot start that far back (check the charger's clock)");
        }
    }

    /// <summary>The session's view if it exists and was started on this charger; null otherwise.</summary>
    public async Task<SessionView?> OwnSession(string sessionId)
    {
        var view = await Session(sessionId).GetView();
        return view.Status != SessionStatus.None && view.ChargerId == ChargerId ? view : null;
    }

    private ChargeException NoSuchSession(string sessionId) =>
        ChargeException.NotFound($"charger '{ChargerId}' has no session '{sessionId}'");

    private async Task<ChargeException> NotActiveHere(string sessionId, string what) =>
        await OwnSession(sessionId) is { } view
            ? ChargeException.FailedPrecondition($"session '{sessionId}' is {view.Status.ToString().ToLowerInvariant()}: {what}")
            : NoSuchSession(sessionId);
}
