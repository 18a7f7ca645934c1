using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>One stored version of a tariff: the OCPI JSON exactly as put, and what it parses to.</summary>
[GenerateSerializer]
[Alias("charge.TariffVersion")]
public sealed record TariffVersion(
    [property: Id(0)] string TariffId,
    [property: Id(1)] int Version,
    [property: Id(2)] string OcpiJson,
    [property: Id(3)] Tariff Tariff,
    [property: Id(4)] DateTime CreatedAt)
{
    public TariffSummary Summary => new(TariffId, Version, Tariff.Currency, Tariff.TimeZone, CreatedAt);
}
