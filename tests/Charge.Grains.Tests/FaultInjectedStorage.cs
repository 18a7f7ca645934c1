using System.Collections.Concurrent;
using Orleans.Storage;

namespace Charge.Grains.Tests;

/// <summary>
/// The test cluster's grain storage, able to fail the next writes of one grain (a storage outage as that grain sees it)
/// and counting each grain's reads (one per activation: how often a grain was brought into memory).
/// </summary>
public sealed class FaultInjectedStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly ConcurrentDictionary<GrainId, int> FailingWrites = new();
    private static readonly ConcurrentDictionary<GrainId, int> ReadCounts = new();
    private static readonly ConcurrentDictionary<GrainId, int> WriteCounts = new();

    /// <summary>The next <paramref name="count"/> writes of <paramref name="grain"/> fail as an unreachable store would.</summary>
    public static void FailNextWrites(GrainId grain, int count) => FailingWrites[grain] = count;

    /// <summary>How many times <paramref name="grain"/>'s state was read so far.</summary>
    public static int Reads(GrainId grain) => ReadCounts.GetValueOrDefault(grain);

    /// <summary>How many times <paramref name="grain"/>'s state was written (successfully) so far.</summary>
    public static int Writes(GrainId grain) => WriteCounts.GetValueOrDefault(grain);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ReadCounts.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailingWrites.TryGetValue(grainId, out var left) && left > 0)
        {
            FailingWrites[grainId] = left - 1;
            throw new IOException($"injected storage failure writing {stateName} of {grainId}");
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
        WriteCounts.AddOrUpdate(grainId, 1, (_, n) => n + 1);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
