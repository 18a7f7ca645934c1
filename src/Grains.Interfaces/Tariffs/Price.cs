using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

[GenerateSerializer]
[Alias("charge.Price")]
public sealed record Price(
    [property: Id(0)] decimal ExclVat,
    [property: Id(1)] decimal? InclVat);
