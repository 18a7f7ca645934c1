using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A session running on a site, as the load balancer sees it.</summary>
[GenerateSerializer]
[Alias("charge.LoadSession")]
public sealed record LoadSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] int ConnectorId,
    [property: Id(3)] double MaxW,
    [property: Id(4)] double MinW,
    [property: Id(5)] string? TariffGroup);
