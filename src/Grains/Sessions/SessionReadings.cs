using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

/// <summary>
/// Takes a session's meter batches into its state: from the stream, from the reading log (durable acknowledgement:
/// after a lost stream message, at a stop, on activation) or handed over by the charger at a stop.
/// </summary>
internal sealed class SessionReadings(
    SessionLedger ledger,
    IReadingLog log,
    Action<Exception> logStorageFailed)
{
    private SessionState State => ledger.State;

    private string SessionId => ledger.SessionId;

    private EnergyAccount Account() => ledger.Account();

    /// <summary>
    /// Rebuilds the running session from its reading log: the stored state has the start (written before the start
    /// was acknowledged); every acknowledged batch is in the log, in the order it was taken, so replaying it gives
    /// exactly the curve, counts and anomalies the lost activation had. Versions restart above any it handed out.
    /// </summary>
    public async Task Replay(long versionFloor)
    {
        var s = State;
        s.Points = EnergyAccount.Begin(s.StartedAt, s.MeterStartWh);
        s.Register = new RegisterState { MaxPowerW = s.Register.MaxPowerW };
        s.ReadingCount = 0;
        s.Anomalies = [];
        s.AnomalyCount = 0;
        s.LastReadingAt = null;
        s.LastPowerW = s.LastCurrentA = s.LastSocPercent = null;
        s.ConsumedSequence = 0;
        s.LogPosition = 0;
        s.Version = Math.Max(s.Version, versionFloor);
        ledger.LiveCost.Reset();
        await CatchUp();
    }

    /// <summary>Takes in every logged batch after the last one applied (a lost stream message, a stop, a replay).</summary>
    public async Task CatchUp()
    {
        var missing = await DurableWrite.OrUnavailable(() => log.ReadAsync(SessionId, State.LogPosition), logStorageFailed,
            "storage is unavailable: the session's reading log cannot be read; retry", "reading-log.read");
        foreach (var batch in missing)
        {
            ApplyLogged(batch);
        }
    }

    /// <summary>
    /// Counts what the charger published and the stream has not delivered yet, before the curve is closed: with
    /// durable acknowledgement every such batch is in the log, and the log is read unless the charger's hand-over
    /// already holds every one of them (<see cref="HandOverIsComplete"/>); otherwise the charger hands its recent
    /// batches over. Repeats count once either way.
    /// </summary>
    public async Task TakeInFlight(bool durable, ImmutableArray<MeterBatch> recentBatches)
    {
        if (durable)
        {
            if (HandOverIsComplete(State.LogPosition, recentBatches) is { } logged)
            {
                foreach (var batch in logged)
                {
                    ApplyLogged(batch);
                }
            }
            else
            {
                await CatchUp();
            }

            return;
        }

        foreach (var batch in recentBatches.OrderBy(b => b.Sequence))
        {
            if (batch.Sequence > State.ConsumedSequence)
            {
                Apply(batch);
            }
        }
    }

    /// <summary>
    /// The logged batches after <paramref name="applied"/> when the charger's hand-over proves it has all of them; null
    /// when the log must be read. A charger's activation appends every batch of its sessions itself, and a log position
    /// is the store's own count of the session's appends, so the highest position this activation was answered is the
    /// session's last acknowledged batch. The hand-over is complete when it holds a logged batch at all (this
    /// activation appended for the session; none means it was appended by an earlier one) and every position from
    /// <paramref name="applied"/> up to that highest one. An append its charger was refused yet the store kept leaves a
    /// gap below a later one, and the log is read; kept as the last, it was never acknowledged and is not counted.
    /// </summary>
    public static IReadOnlyList<MeterBatch>? HandOverIsComplete(long applied, ImmutableArray<MeterBatch> handedOver)
    {
        var logged = handedOver.Where(b => b.LogPosition > 0).ToArray();
        if (logged.Length == 0)
        {
            return null;
        }

        var missing = logged.Where(b => b.LogPosition > applied).OrderBy(b => b.LogPosition).ToArray();
        for (var i = 0; i < missing.Length; i++)
        {
            if (missing[i].LogPosition != applied + i + 1)
            {
                return null;
            }
        }

        return missing;
    }

    public void ApplyLogged(MeterBatch batch)
    {
        if (batch.LogPosition > State.LogPosition)
        {
            Apply(batch);
            State.LogPosition = batch.LogPosition;
        }
    }

    /// <summary>Takes a batch's readings into the energy account; repeated readings count once.</summary>
    public void Apply(MeterBatch batch)
    {
        var account = Account();
        foreach (var reading in batch.Readings)
        {
            if (reading.Timestamp < account.Last.Timestamp)
            {
                ledger.LiveCost.Reset();
            }

            var result = account.Add(reading);
            State.ReadingCount += result.PointsAccepted;
            switch (result.Outcome)
            {
                case ReadingOutcome.Accepted:
                    if (State.LastReadingAt is null || reading.Timestamp >= State.LastReadingAt)
                    {
                        State.LastReadingAt = reading.Timestamp;
                        State.LastPowerW = reading.PowerW ?? State.LastPowerW;
                        State.LastCurrentA = reading.CurrentA ?? State.LastCurrentA;
                        State.LastSocPercent = reading.SocPercent ?? State.LastSocPercent;
                    }

                    break;
            }
        }

        State.ConsumedSequence = Math.Max(State.ConsumedSequence, batch.Sequence);
    }

    /// <summary>
    /// A batch reaching a completed session: readings the charger published after the record was fixed are kept as
    /// anomalies; one at or below the consumed sequence was handed over with the stop. Whether anything changed.
    /// </summary>
    public bool TakeLate(MeterBatch batch)
    {
        if (batch.Sequence <= State.ConsumedSequence)
        {
            return false;
        }

        foreach (var reading in batch.Readings)
        {
            ledger.RecordAnomaly(new MeterAnomaly(AnomalyKind.AfterSessionStop, reading.Timestamp, reading.EnergyWh,
                "reading arrived after the session's record was fixed"));
        }

        State.ConsumedSequence = batch.Sequence;
        return true;
    }

    /// <summary>
    /// A logged batch from the stream (durable acknowledgement): a repeat or one read from the log already is
    /// skipped; a gap means a stream message was lost (a silo died with it in its queue), and the log has it.
    /// Whether anything changed; the log is the durable record, so nothing needs writing per batch.
    /// </summary>
    public async Task<bool> TakeLogged(MeterBatch batch)
    {
        if (batch.LogPosition <= State.LogPosition)
        {
            return false;
        }

        if (batch.LogPosition > State.LogPosition + 1)
        {
            await CatchUp();
        }

        ApplyLogged(batch);
        return true;
    }
}
