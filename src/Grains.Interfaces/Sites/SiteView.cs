using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.SiteView")]
public sealed record SiteView(
    [property: Id(0)] string SiteId,
    [property: Id(1)] SiteInfo? Info,
    [property: Id(2)] ImmutableDictionary<string, int> Chargers)
{
    /// <summary>Connectors of the site's chargers (a charger not registered counts as one).</summary>
    public int ConnectorCount => Chargers.Values.Sum(c => Math.Max(1, c));
}
