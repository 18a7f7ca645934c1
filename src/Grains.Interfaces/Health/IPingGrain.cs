using Orleans.Concurrency;

namespace Charge.Grains.Interfaces;

/// <summary>Answers at once; the gateway's health check uses it to prove the cluster serves calls.</summary>
[Alias("charge.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<DateTime> Ping();
}
