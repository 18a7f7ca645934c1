using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>One line a driver reads: what, how much, at what price, for how much (full precision, pricing rule 8).</summary>
[GenerateSerializer]
[Alias("charge.InvoiceLine")]
public sealed record InvoiceLine(
    [property: Id(0)] string Description,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] string Unit,
    [property: Id(3)] decimal UnitPriceExclVat,
    [property: Id(4)] decimal? VatPercent,
    [property: Id(5)] Tariffs.Money Amount);
