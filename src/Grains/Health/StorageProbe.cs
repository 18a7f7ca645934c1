using Charge.Grains.Interfaces;

namespace Charge.Grains.Health;

/// <summary>Reaches the silo's storage cheaply (a container's properties); null when it answers, else what failed.</summary>
public interface IStorageProbe
{
    Task<string?> Check(CancellationToken cancellation);
}

/// <summary>Memory storage is always reachable.</summary>
public sealed class MemoryStorageProbe : IStorageProbe
{
    public Task<string?> Check(CancellationToken cancellation) => Task.FromResult<string?>(null);
}

[Orleans.Concurrency.StatelessWorker]
public sealed class StorageProbeGrain(IStorageProbe probe) : Grain, IStorageProbeGrain
{
    public async Task<string?> Check()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await probe.Check(timeout.Token);
        }
        catch (Exception e)
        {
            return $"storage did not answer: {e.GetType().Name}";
        }
    }
}
