using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

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
