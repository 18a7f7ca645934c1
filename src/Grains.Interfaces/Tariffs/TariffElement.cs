using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

[GenerateSerializer]
[Alias("charge.TariffElement")]
public sealed record TariffElement(
    [property: Id(0)] ImmutableArray<PriceComponent> PriceComponents,
    [property: Id(1)] TariffRestrictions? Restrictions);
