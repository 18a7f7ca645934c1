using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>What one dimension of a session costs, and the volume billed for it (after step_size).</summary>
[GenerateSerializer]
[Alias("charge.DimensionCost")]
public sealed record DimensionCost(
    [property: Id(0)] TariffDimension Dimension,
    [property: Id(1)] decimal Volume,
    [property: Id(2)] decimal BilledVolume,
    [property: Id(3)] Money Cost);
