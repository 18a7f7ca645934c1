using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

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
