using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>How much of a time range a charger was available (online and not faulted), from when it was registered.</summary>
[GenerateSerializer]
[Alias("charge.AvailabilityView")]
public sealed record AvailabilityView(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] DateTime From,
    [property: Id(2)] DateTime To,
    [property: Id(3)] double MeasuredSeconds,
    [property: Id(4)] double OfflineSeconds,
    [property: Id(5)] double FaultedSeconds,
    [property: Id(6)] double UnavailableSeconds,
    [property: Id(7)] ImmutableArray<Downtime> Periods)
{
    /// <summary>Share of the measured time available, 0..100; null when nothing of the range was measured.</summary>
    public double? AvailablePercent => MeasuredSeconds > 0 ? 100.0 * (MeasuredSeconds - UnavailableSeconds) / MeasuredSeconds : null;
}
