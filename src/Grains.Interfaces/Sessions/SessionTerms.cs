using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What the charger grain decides for a session it starts, beside what the station said: the tariff version in
/// force, the site and its zone, and the connector's maximum power. No caller of the public API fills these.
/// </summary>
[GenerateSerializer]
[Alias("charge.SessionTerms")]
public sealed record SessionTerms(
    [property: Id(0)] Tariffs.TariffRef? Tariff,
    [property: Id(1)] string? SiteId,
    [property: Id(2)] string? TimeZone,
    [property: Id(3)] double MaxPowerW,
    [property: Id(4)] string? CustomerId = null);
