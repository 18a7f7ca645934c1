using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>Price excl. VAT per unit (kWh, hour, or once for FLAT); VAT in percent, absent meaning none applies; step in Wh or seconds.</summary>
[GenerateSerializer]
[Alias("charge.PriceComponent")]
public sealed record PriceComponent(
    [property: Id(0)] TariffDimension Type,
    [property: Id(1)] decimal Price,
    [property: Id(2)] decimal? Vat,
    [property: Id(3)] int StepSize);
