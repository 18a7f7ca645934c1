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

/// <summary>The log in a grain's memory, for the in-memory configuration (and tests): shared by every silo, durable in none.</summary>
[Alias("charge.IReadingLogGrain")]
public interface IReadingLogGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task<long> Append(MeterBatch batch);

    [Alias("Read")]
    Task<ImmutableArray<MeterBatch>> Read(long after);

    [Alias("Drop")]
    Task Drop();
}

/// <summary>Never collected while its silo runs: in the in-memory configuration it is the only copy of the log.</summary>
[KeepAlive]
public sealed class ReadingLogGrain : Grain, IReadingLogGrain
{
    private readonly List<MeterBatch> _batches = [];

    public Task<long> Append(MeterBatch batch)
    {
        _batches.Add(batch with { LogPosition = _batches.Count + 1 });
        return Task.FromResult((long)_batches.Count);
    }

    public Task<ImmutableArray<MeterBatch>> Read(long after) =>
        Task.FromResult(after >= _batches.Count ? [] : _batches.Skip((int)Math.Max(0, after)).ToImmutableArray());

    public Task Drop()
    {
        _batches.Clear();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>The in-memory log through <see cref="IReadingLogGrain"/>.</summary>
public sealed class GrainReadingLog(IGrainFactory grains) : IReadingLog
{
    public Task<long> AppendAsync(string sessionId, MeterBatch batch) => grains.Reference<IReadingLogGrain>(sessionId).Append(batch);

    public Task<ImmutableArray<MeterBatch>> ReadAsync(string sessionId, long after) => grains.Reference<IReadingLogGrain>(sessionId).Read(after);

    public Task CompletedAsync(string sessionId) => grains.Reference<IReadingLogGrain>(sessionId).Drop();

    /// <summary>Dropped already, at completion.</summary>
    public Task CompactAsync(string sessionId) => Task.CompletedTask;
}
