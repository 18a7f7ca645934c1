using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.SiteLive")]
public sealed record SiteLive(
    [property: Id(0)] string SiteId,
    [property: Id(1)] int ActiveSessions,
    [property: Id(2)] double PowerW,
    [property: Id(3)] ImmutableArray<ChargerLive> Chargers,
    [property: Id(4)] double? LimitW = null,
    [property: Id(5)] double AllowedW = 0);
