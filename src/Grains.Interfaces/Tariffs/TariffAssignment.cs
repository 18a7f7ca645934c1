using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>From <see cref="EffectiveFrom"/> on, sessions starting on the charger or site are priced by the tariff.</summary>
[GenerateSerializer]
[Alias("charge.TariffAssignment")]
public sealed record TariffAssignment(
    [property: Id(0)] string TariffId,
    [property: Id(1)] DateTime EffectiveFrom);
