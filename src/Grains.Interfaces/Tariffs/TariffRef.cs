using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>Which tariff version prices a session: pinned at its start.</summary>
[GenerateSerializer]
[Alias("charge.TariffRef")]
public sealed record TariffRef(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version);
