using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>One priced slice of the session: one dimension, one element, one stretch of time.</summary>
[GenerateSerializer]
[Alias("charge.PricedPeriod")]
public sealed record PricedPeriod(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] DateTime End,
    [property: Id(2)] TariffDimension Dimension,
    [property: Id(3)] int ElementIndex,
    [property: Id(4)] decimal Volume,
    [property: Id(5)] decimal UnitPrice,
    [property: Id(6)] decimal? Vat,
    [property: Id(7)] Money Cost);
