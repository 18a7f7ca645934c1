using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A charger's load now: sessions in progress and the sum of their last reported power.</summary>
[GenerateSerializer]
[Alias("charge.ChargerLive")]
public sealed record ChargerLive(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] int ActiveSessions,
    [property: Id(2)] double PowerW);
