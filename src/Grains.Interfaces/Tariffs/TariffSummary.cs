using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

[GenerateSerializer]
[Alias("charge.TariffSummary")]
public sealed record TariffSummary(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version,
    [property: Id(2)] string Currency,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] DateTime CreatedAt);
