using Charge.Grains.Interfaces;
using Orleans.Concurrency;

namespace Charge.Grains.Health;

[StatelessWorker]
public sealed class PingGrain(TimeProvider time) : Grain, IPingGrain
{
    public Task<DateTime> Ping() => Task.FromResult(time.GetUtcNow().UtcDateTime);
}
