using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

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
