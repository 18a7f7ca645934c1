using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>OCPI 2.2.1 TariffDimensionType of a price component.</summary>
public enum TariffDimension
{
    Energy = 0,
    Flat = 1,
    ParkingTime = 2,
    Time = 3,
}

/// <summary>
/// An OCPI 2.2.1 Tariff as the engine prices it (OCPI module Tariffs, object Tariff), plus our IANA
/// <see cref="TimeZone"/> in which local time restrictions are evaluated.
/// </summary>
[GenerateSerializer]
[Alias("charge.Tariff")]
public sealed record Tariff
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Currency { get; init; }
    [Id(2)] public required ImmutableArray<TariffElement> Elements { get; init; }
    [Id(3)] public Price? MinPrice { get; init; }
    [Id(4)] public Price? MaxPrice { get; init; }
    [Id(5)] public DateTime? StartDateTime { get; init; }
    [Id(6)] public DateTime? EndDateTime { get; init; }
    [Id(7)] public string TimeZone { get; init; } = "UTC";
    [Id(8)] public ImmutableArray<DisplayText> AltText { get; init; } = [];
    [Id(9)] public string? AltUrl { get; init; }
}

[GenerateSerializer]
[Alias("charge.TariffElement")]
public sealed record TariffElement(
    [property: Id(0)] ImmutableArray<PriceComponent> PriceComponents,
    [property: Id(1)] TariffRestrictions? Restrictions);

/// <summary>Price excl. VAT per unit (kWh, hour, or once for FLAT); VAT in percent, absent meaning none applies; step in Wh or seconds.</summary>
[GenerateSerializer]
[Alias("charge.PriceComponent")]
public sealed record PriceComponent(
    [property: Id(0)] TariffDimension Type,
    [property: Id(1)] decimal Price,
    [property: Id(2)] decimal? Vat,
    [property: Id(3)] int StepSize);

/// <summary>OCPI TariffRestrictions; times and dates are local to the tariff's time zone.</summary>
[GenerateSerializer]
[Alias("charge.TariffRestrictions")]
public sealed record TariffRestrictions
{
    [Id(0)] public TimeOnly? StartTime { get; init; }
    /// <summary>Exclusive; 00:00 means the end of the day.</summary>
    [Id(1)] public TimeOnly? EndTime { get; init; }
    [Id(2)] public DateOnly? StartDate { get; init; }
    /// <summary>Exclusive.</summary>
    [Id(3)] public DateOnly? EndDate { get; init; }
    [Id(4)] public decimal? MinKwh { get; init; }
    [Id(5)] public decimal? MaxKwh { get; init; }
    [Id(6)] public decimal? MinCurrent { get; init; }
    [Id(7)] public decimal? MaxCurrent { get; init; }
    [Id(8)] public decimal? MinPower { get; init; }
    [Id(9)] public decimal? MaxPower { get; init; }
    [Id(10)] public int? MinDuration { get; init; }
    [Id(11)] public int? MaxDuration { get; init; }
    [Id(12)] public ImmutableArray<DayOfWeek> DayOfWeek { get; init; } = [];
    /// <summary>RESERVATION or RESERVATION_EXPIRES: such an element prices reservations, never charging.</summary>
    [Id(13)] public string? Reservation { get; init; }
}

[GenerateSerializer]
[Alias("charge.Price")]
public sealed record Price(
    [property: Id(0)] decimal ExclVat,
    [property: Id(1)] decimal? InclVat);

[GenerateSerializer]
[Alias("charge.DisplayText")]
public sealed record DisplayText(
    [property: Id(0)] string Language,
    [property: Id(1)] string Text);
