namespace Charge.Grains.Interfaces;

/// <summary>
/// Whether the silo that activates it (a stateless worker: the one serving the call) reaches its storage; the
/// readiness probe asks it. The answer says healthy, overloaded (storage slow but answering the silo's own calls) or
/// unhealthy, and why, for the probe's body.
/// </summary>
[Alias("charge.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithIntegerKey
{
    [Alias("Check")]
    Task<StorageProbeResult> Check();
}

[GenerateSerializer]
[Alias("charge.StorageProbeResult")]
public sealed record StorageProbeResult(
    [property: Id(0)] StorageCondition Condition,
    [property: Id(1)] string Description);

public enum StorageCondition
{
    Healthy = 0,

    /// <summary>The probe timed out, but the silo's own storage calls succeed: busy, not down.</summary>
    Overloaded = 1,
    Unhealthy = 2,
}
