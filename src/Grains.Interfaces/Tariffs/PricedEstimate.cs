using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>A price with the tariff version that made it.</summary>
[GenerateSerializer]
[Alias("charge.PricedEstimate")]
public sealed record PricedEstimate(
    [property: Id(0)] TariffRef Tariff,
    [property: Id(1)] CostBreakdown Cost);
