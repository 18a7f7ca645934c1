using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

/// <summary>
/// A session's append-only log of the meter batches its charger acknowledged: written before the acknowledgement,
/// so what a charger was told is accepted survives a crash of any process. Positions are contiguous from 1; one
/// append costs the same early or late in a session. The session grain replays the log when it activates, reads
/// what a lost stream message left out, and catches up with it before fixing its final record.
/// </summary>
public interface IReadingLog
{
    /// <summary>Appends a batch; returns its position in the session's log.</summary>
    Task<long> AppendAsync(string sessionId, MeterBatch batch);

    /// <summary>The batches after <paramref name="after"/>, in log order, with their positions.</summary>
    Task<ImmutableArray<MeterBatch>> ReadAsync(string sessionId, long after);

    /// <summary>The session's record is fixed: a log kept only in memory can go (a stored log stays as the raw evidence).</summary>
    Task CompletedAsync(string sessionId);

    /// <summary>
    /// The session is billed and nothing appends to its log again: a store may rewrite the log in a cheaper form to
    /// keep, with the same batches at the same positions. Best effort: an uncompacted log reads the same.
    /// </summary>
    Task CompactAsync(string sessionId);
}
