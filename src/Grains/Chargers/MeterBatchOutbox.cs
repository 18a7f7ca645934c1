using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;
using Orleans.Streams;

namespace Charge.Grains.Chargers;

/// <summary>
/// How a charger passes readings on: numbers each batch, (with durable acknowledgement) appends it to the session's
/// reading log before it is accepted, publishes it on the session's stream and keeps the last batches per session
/// for the hand-over at stop. The recent batches are in memory only: after a crash the log (or, write-behind, the
/// cumulative register) recovers them.
/// </summary>
internal sealed class MeterBatchOutbox(
    string chargerId,
    bool durable,
    IReadingLog log,
    TimeProvider time,
    Lazy<IStreamProvider> streams,
    Action<Exception> logStorageFailed,
    Action<Exception, string, long> logPublishFailed)
{
    /// <summary>Batches kept per active session for the hand-over at stop (write-behind): enough to cover a stream fail-over.</summary>
    public const int RecentBatchLimit = 128;

    /// <summary>
    /// With durable acknowledgement the hand-over only saves the stop a log read when the stream is a few batches
    /// behind; a longer gap is read from the log, where every batch is. Keeping 128 held every reading of a typical
    /// session in the charger's memory as well (the network run: ~740 B per reading across log, outbox and curve).
    /// </summary>
    public const int DurableRecentBatchLimit = 8;

    private int Limit => durable ? DurableRecentBatchLimit : RecentBatchLimit;

    private readonly Dictionary<string, Queue<MeterBatch>> _recent = [];
    private long _lastSequence;

    /// <summary>Takes a running session's batch: durable first when so configured, then kept and published.</summary>
    public async Task<MeterBatch> Accept(string sessionId, ImmutableArray<MeterReading> readings)
    {
        var batch = Next(sessionId, readings);
        if (durable)
        {
            // The acknowledgement is a promise: the batch is in storage before the charger hears "accepted".
            batch = batch with
            {
                LogPosition = await DurableWrite.OrUnavailable(() => log.AppendAsync(sessionId, batch), logStorageFailed,
                    "storage is unavailable: the readings were not accepted; retry", "reading-log.append"),
            };
        }

        if (!_recent.TryGetValue(sessionId, out var recent))
        {
            _recent[sessionId] = recent = new Queue<MeterBatch>();
        }

        recent.Enqueue(batch);
        if (recent.Count > Limit)
        {
            recent.Dequeue();
        }

        if (batch.LogPosition > 0)
        {
            try
            {
                await Publish(batch);
            }
            catch (Exception e)
            {
                // Durable already: the session reads it from the log at its next batch, its stop or its activation.
                logPublishFailed(e, sessionId, batch.LogPosition);
            }
        }
        else
        {
            await Publish(batch);
        }

        return batch;
    }

    /// <summary>Readings for a session of ours that has finished: published only, for it to record as late.</summary>
    public Task PublishLate(string sessionId, ImmutableArray<MeterReading> readings) => Publish(Next(sessionId, readings));

    /// <summary>The batches still held for a session, for the hand-over at its stop or close.</summary>
    public ImmutableArray<MeterBatch> Recent(string sessionId) =>
        _recent.TryGetValue(sessionId, out var batches) ? [.. batches] : [];

    /// <summary>The power of the latest reading passed on for a session; null when none carried power.</summary>
    public double? LastPowerW(string sessionId) =>
        _recent.TryGetValue(sessionId, out var batches) && batches.Count > 0 ? batches.Last().Readings.MaxBy(r => r.Timestamp)?.PowerW : null;

    public void Forget(string sessionId) => _recent.Remove(sessionId);

    /// <summary>
    /// A batch with this charger's next sequence. Sequences only need to grow per session; deriving them from
    /// the clock keeps them growing across reactivations without a storage write per batch.
    /// </summary>
    private MeterBatch Next(string sessionId, ImmutableArray<MeterReading> readings)
    {
        _lastSequence = Math.Max(_lastSequence + 1, time.GetUtcNow().UtcTicks);
        return new MeterBatch(sessionId, chargerId, _lastSequence, readings);
    }

    private Task Publish(MeterBatch batch) =>
        streams.Value.GetStream<MeterBatch>(StreamId.Create(StreamNames.MeterReadings, batch.SessionId)).OnNextAsync(batch);
}
