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
    public async Task<StorageProbeResult> Check()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        string? problem;
        var timedOut = false;
        try
        {
            problem = await probe.Check(timeout.Token);
        }
        catch (Exception e)
        {
            timedOut = e is OperationCanceledException && timeout.IsCancellationRequested;
            problem = timedOut ? "storage did not answer within 5 s" : $"storage did not answer: {e.GetType().Name}";
        }

        var (sinceSuccess, sinceOutage) = Telemetry.StorageActivity.Recent();
        return StorageHealth.Judge(problem, timedOut, sinceSuccess, sinceOutage, Telemetry.StorageActivity.InFlight);
    }
}

/// <summary>
/// Down or busy: a probe that times out while the silo's own storage calls keep succeeding (one within
/// <see cref="Answering"/>, none failing as an outage since) is an overloaded store, which sheds and queues, not one to
/// restart the silo over.
/// </summary>
public static class StorageHealth
{
    public static readonly TimeSpan Answering = TimeSpan.FromSeconds(10);

    public static StorageProbeResult Judge(string? problem, bool timedOut, TimeSpan? sinceSuccess, TimeSpan? sinceOutage, long inFlight)
    {
        if (problem is null)
        {
            return new(StorageCondition.Healthy, "storage answers");
        }

        // An answer that refuses (an error status) is a store in trouble, however busy; only a slow one is overloaded.
        return timedOut && sinceSuccess is { } success && success <= Answering && (sinceOutage is null || sinceOutage > success)
            ? new(StorageCondition.Overloaded, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"overloaded: storage answers slowly ({inFlight} requests in flight, the last answered {success.TotalSeconds:0.0} s ago); the probe: {problem}"))
            : new(StorageCondition.Unhealthy, problem);
    }
}
