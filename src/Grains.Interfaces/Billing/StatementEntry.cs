using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A completed, priced session as a monthly statement keeps it until the month is invoiced.</summary>
[GenerateSerializer]
[Alias("charge.StatementEntry")]
public sealed record StatementEntry(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string Description,
    [property: Id(2)] decimal EnergyKwh,
    [property: Id(3)] string Currency,
    [property: Id(4)] int MinorUnits,
    [property: Id(5)] Tariffs.Money Total,
    [property: Id(6)] string TariffKey,
    [property: Id(7)] ImmutableArray<string> TariffExplained,
    [property: Id(8)] ImmutableArray<VatAmount> Vat = default);
