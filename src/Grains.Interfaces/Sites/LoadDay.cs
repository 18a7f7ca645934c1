using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// How a site's load balancer held one local day (or a range): the peak of what it allowed, the time the sessions
/// together were given all of the limit, and the energy the sessions would have taken beyond their allowances.
/// </summary>
[GenerateSerializer]
[Alias("charge.LoadDay")]
public sealed record LoadDay(
    [property: Id(0)] double PeakAllowedW,
    [property: Id(1)] double SecondsAtLimit,
    [property: Id(2)] double DeferredWh)
{
    public static readonly LoadDay Empty = new(0, 0, 0);

    public LoadDay Add(LoadDay other) => new(Math.Max(PeakAllowedW, other.PeakAllowedW), SecondsAtLimit + other.SecondsAtLimit, DeferredWh + other.DeferredWh);
}
