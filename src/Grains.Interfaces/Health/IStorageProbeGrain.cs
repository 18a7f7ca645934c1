using Orleans.Concurrency;

namespace Charge.Grains.Interfaces;

/// <summary>
/// Whether the silo that activates it (a stateless worker: the one serving the call) reaches its storage; the
/// readiness probe asks it. The answer names what failed, for the probe's body.
/// </summary>
[Alias("charge.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithIntegerKey
{
    [Alias("Check")]
    Task<string?> Check();
}
