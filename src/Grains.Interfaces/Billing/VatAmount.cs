using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>One VAT rate's row: the taxable amount (excl. VAT), the amount incl. VAT, and the VAT between them; a null rate is a line without one.</summary>
[GenerateSerializer]
[Alias("charge.VatAmount")]
public sealed record VatAmount(
    [property: Id(0)] decimal? RatePercent,
    [property: Id(1)] Tariffs.Money Amount)
{
    public decimal Vat => Amount.InclVat - Amount.ExclVat;
}
