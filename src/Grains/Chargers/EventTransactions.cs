using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// Transactions a station tells as numbered events (OCPP 2.0.1), assembled whatever order the events come in: the
/// session opens once the transaction has a token the registry accepts, an EVSE and a start register (from the
/// Started event, else the earliest reading); readings answered before that are held in the charger's record and
/// handed to the session when it opens; the end is fixed once every event up to the Ended one has arrived, or the
/// station says none is queued, or <see cref="HeldEndsAfter"/> has passed. A repeated event changes nothing; an
/// event after the end gives its readings to the session as late, never as energy.
/// </summary>
internal sealed class EventTransactions(ChargerRecord record, ChargerSessions sessions, Sessions.SessionOptions options)
{
    /// <summary>Readings held per transaction before its session opens.</summary>
    public const int MaxHeld = 200;

    /// <summary>How long an end waits for missing events before it is fixed with what arrived.</summary>
    public static readonly TimeSpan HeldEndsAfter = TimeSpan.FromMinutes(2);

    // When this activation began holding an end (memory only: after a reactivation the next tick fixes it).
    private readonly Dictionary<string, DateTime> _heldSince = [];

    private ChargerState State => record.State;

    public async Task<TransactionEventOutcome> Apply(TransactionEventReport e)
    {
        var sessionId = SessionIds.Of(record.ChargerId, e.TransactionId);
        if (!State.EventTransactions.TryGetValue(e.TransactionId, out var t))
        {
            t = new EventTransaction { FirstSeen = record.Now };
            State.EventTransactions[e.TransactionId] = t;
        }

        var repeated = t.SeqNos.Contains(e.SeqNo);
        if (t.Finished)
        {
            // Late (an Updated queued behind the Ended) or repeated: the session records readings it has not seen as late.
            // The session is read only for an Ended (its answer carries the final cost), never per reading.
            var finished = t.Opened && e.Kind == TransactionEventKind.Ended ? await sessions.OwnSession(sessionId) : null;
            if (!repeated && t.Opened && !e.Readings.IsEmpty)
            {
                await sessions.ReportAccepting(sessionId, e.Readings);
                t.SeqNos.Add(e.SeqNo);
                await record.Persist();
            }

            return new TransactionEventOutcome(finished, await Standing(e, t), false);
        }

        if (!repeated)
        {
            t.SeqNos.Add(e.SeqNo);
        }

        t.ConnectorId ??= e.ConnectorId;
        if (e.Kind == TransactionEventKind.Started)
        {
            t.SawStarted = true;
            t.StartSeqNo ??= e.SeqNo;
        }
        if (!t.Opened)
        {
            TakeStart(t, e);
        }

        if (e.IdTag is { } tag && t.IdTag is null)
        {
            t.IdTag = tag;
        }

        TokenAuthorization? refusal = null;
        SessionView? view = null;
        if (!t.Opened && t.Refused is null && t is { IdTag: { } idTag, StartWh: { } startWh, ConnectorId: { } connector, StartedAt: { } startedAt })
        {
            var opening = await sessions.OpenSession(new StartSessionCommand(sessionId, record.ChargerId, connector, idTag, startWh, startedAt));
            if (opening.Session is { } opened)
            {
                t.Opened = true;
                view = opened;
                if (t.Held.Count > 0)
                {
                    await sessions.ReportAccepting(sessionId, [.. t.Held]);
                    t.Held.Clear();
                }
            }
            else
            {
                // Refused: nothing of it is kept, and its later events change nothing.
                refusal = opening.Refusal!;
                t.Refused = refusal.Status;
                t.Held.Clear();
            }
        }

        if (!repeated && !e.Readings.IsEmpty)
        {
            if (t.Opened)
            {
                await sessions.ReportAccepting(sessionId, e.Readings);
            }
            else if (t.Refused is null)
            {
                Hold(t, e.Readings);
            }
        }

        if (e.Kind == TransactionEventKind.Ended && t.EndedAt is null)
        {
            t.EndedAt = e.Timestamp;
            t.EndWh = e.EndWh ?? (e.Readings.IsEmpty ? null : e.Readings.MaxBy(r => r.Timestamp)!.EnergyWh);
            t.StopReason = e.StoppedReason ?? "Local";
            t.EndSeqNo = e.SeqNo;
        }

        var (finishedView, awaiting) = await FinishIfComplete(e.TransactionId, t);
        // Written before the answer: what the station was told is kept (held readings, the token, the end).
        await record.Persist();
        // The session is read only for an Ended (its answer carries the final cost), never per reading.
        view = finishedView ?? view ?? (t.Opened && e.Kind == TransactionEventKind.Ended ? await sessions.OwnSession(sessionId) : null);
        return new TransactionEventOutcome(view, refusal ?? await Standing(e, t), awaiting);
    }

    /// <summary>The station has no more events of the transaction queued: its end is fixed with what arrived.</summary>
    public async Task<SessionView?> QueueEmpty(string transactionId)
    {
        if (!State.EventTransactions.TryGetValue(transactionId, out var t) || t.Finished)
        {
            return null;
        }

        t.QueueEmpty = true;
        var (view, _) = await FinishIfComplete(transactionId, t);
        await record.Persist();
        return view;
    }

    /// <summary>
    /// The charger's reminder: ends held past <see cref="HeldEndsAfter"/> are fixed; transactions that never got
    /// a session and ended ones are forgotten once older than MaxStartAge (no start that old is taken anyway).
    /// </summary>
    public async Task Tick()
    {
        var now = record.Now;
        var changed = false;
        foreach (var (id, t) in State.EventTransactions.ToArray())
        {
            if (!t.Finished && t.EndedAt is not null && (!_heldSince.TryGetValue(id, out var since) || now - since >= HeldEndsAfter))
            {
                t.QueueEmpty = true;
                await FinishIfComplete(id, t);
                changed = true;
            }

            if (now - t.FirstSeen > options.MaxStartAge)
            {
                State.EventTransactions.Remove(id);
                changed = true;
            }
        }

        if (changed)
        {
            await record.Persist();
        }
    }

    /// <summary>Whether any event is waiting to be fixed (the charger's reminder keeps running while one is).</summary>
    public bool Pending => State.EventTransactions.Values.Any(t => !t.Finished);

    /// <summary>The start: the Started event's time and register win; before it arrives, the earliest reading seen stands in.</summary>
    private static void TakeStart(EventTransaction t, TransactionEventReport e)
    {
        if (e.Kind == TransactionEventKind.Started && e.BeginWh is { } begin)
        {
            (t.StartedAt, t.StartWh, t.StartFromBegin) = (e.Timestamp, begin, true);
            return;
        }

        if (!t.StartFromBegin && !e.Readings.IsEmpty && e.Readings.MinBy(r => r.Timestamp) is { } first && (t.StartedAt is null || first.Timestamp < t.StartedAt))
        {
            (t.StartedAt, t.StartWh) = (first.Timestamp, first.EnergyWh);
        }
    }

    private static void Hold(EventTransaction t, ImmutableArray<MeterReading> readings)
    {
        t.Held.AddRange(readings);
        t.Held.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        if (t.Held.Count > MaxHeld)
        {
            // The first and the newest say the energy; the curve between them is thinned.
            t.Held.RemoveRange(1, t.Held.Count - MaxHeld);
        }
    }

    /// <summary>Fixes the end once no event before it is missing (or none is queued); whether the end waits for events.</summary>
    private async Task<(SessionView? View, bool Awaiting)> FinishIfComplete(string transactionId, EventTransaction t)
    {
        if (t.EndedAt is not { } endedAt || t.Finished)
        {
            return (null, false);
        }

        var first = t.StartSeqNo ?? t.SeqNos.Min();
        var missing = !t.SawStarted || Enumerable.Range(first, Math.Max(0, t.EndSeqNo!.Value - first + 1)).Any(n => !t.SeqNos.Contains(n));
        if (missing && !t.QueueEmpty)
        {
            // The station is asked once per hold; a later event fills the gap or the tick fixes the end.
            return (null, _heldSince.TryAdd(transactionId, record.Now));
        }

        _heldSince.Remove(transactionId);
        t.Finished = true;
        var sessionId = SessionIds.Of(record.ChargerId, transactionId);
        if (!t.Opened)
        {
            if (t.Refused is null)
            {
                // No token the registry accepted, or no start register, by its end: nothing is billed, and the operator sees why.
                NeverStarted(t, transactionId);
            }

            t.Held.Clear();
            return (null, false);
        }

        try
        {
            var stopWh = t.EndWh ?? (await sessions.OwnSession(sessionId))?.LastRegisterWh ?? t.StartWh ?? 0;
            return (await sessions.Stop(new StopSessionCommand(sessionId, stopWh, endedAt, t.StopReason ?? "Local")), false);
        }
        catch (ChargeException e) when (e.Kind is ChargeErrorKind.NotFound or ChargeErrorKind.FailedPrecondition)
        {
            // Closed meanwhile (superseded, abandoned, force-closed): its record stands.
            return (await sessions.OwnSession(sessionId), false);
        }
    }

    private void NeverStarted(EventTransaction t, string transactionId)
    {
        State.AnomalyCount++;
        Telemetry.GrainMetrics.Anomaly(AnomalyKind.NeverStarted);
        if (State.Anomalies.Count < options.MaxAnomaliesKept)
        {
            var why = t.IdTag is null ? "no token was presented" : "no start register was reported";
            var energy = t is { EndWh: { } end, StartWh: { } start } ? end - start : 0m;
            State.Anomalies.Add(new MeterAnomaly(AnomalyKind.NeverStarted, t.EndedAt ?? record.Now, energy,
                $"transaction {transactionId} ended and was not billed: {why}"));
        }
    }

    /// <summary>How the event's token stands: the transaction's own token is Accepted once its session runs; another is asked.</summary>
    private async Task<TokenAuthorization?> Standing(TransactionEventReport e, EventTransaction t) =>
        e.IdTag switch
        {
            null => null,
            var tag when tag == t.IdTag && t.Opened => new TokenAuthorization(AuthorizationStatus.Accepted, null, null, "the transaction's token"),
            var tag when tag == t.IdTag && t.Refused is { } refused => new TokenAuthorization(refused, null, null, "refused at the start"),
            var tag => await record.Grains.GetGrain<ITokenGrain>(tag).Authorize(),
        };
}
