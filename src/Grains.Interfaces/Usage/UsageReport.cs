using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Usage over local dates [From, To] with the previous period of the same length for comparison.</summary>
[GenerateSerializer]
[Alias("charge.UsageReport")]
public sealed record UsageReport
{
    [Id(0)] public required UsageScope Scope { get; init; }
    [Id(1)] public DateOnly From { get; init; }
    [Id(2)] public DateOnly To { get; init; }
    [Id(3)] public int Sessions { get; init; }
    [Id(4)] public decimal EnergyKwh { get; init; }
    /// <summary>Of the sessions that started in the range: whole energy over their count (kWh), and mean duration (minutes).</summary>
    [Id(5)] public decimal AverageEnergyPerSessionKwh { get; init; }
    [Id(6)] public decimal AverageDurationMinutes { get; init; }
    [Id(7)] public int Connectors { get; init; }
    /// <summary>Share of connector time in a session: session time over connectors × the range's length.</summary>
    [Id(8)] public decimal Utilisation { get; init; }
    /// <summary>[day of week (0 = Sunday)][local hour]: mean energy (kWh) per such day and hour.</summary>
    [Id(9)] public ImmutableArray<ImmutableArray<decimal>> EnergyKwhByWeekdayHour { get; init; } = [];
    /// <summary>[day of week][local hour]: mean number of sessions in progress.</summary>
    [Id(10)] public ImmutableArray<ImmutableArray<decimal>> ConcurrentByWeekdayHour { get; init; } = [];
    [Id(11)] public ImmutableArray<TrendPoint> Daily { get; init; } = [];
    [Id(12)] public ImmutableArray<TrendPoint> Weekly { get; init; } = [];
    [Id(13)] public ImmutableArray<TrendPoint> Monthly { get; init; } = [];
    [Id(14)] public decimal PreviousEnergyKwh { get; init; }
    [Id(15)] public int PreviousSessions { get; init; }
    /// <summary>Energy change against the previous period, in percent; null when the previous period had none.</summary>
    [Id(16)] public decimal? EnergyChangePercent { get; init; }
    [Id(17)] public ImmutableArray<int> EnergyHistogram { get; init; } = [];
    /// <summary>Local day-of-week and hour with the most energy (mean), and with the most sessions in progress.</summary>
    [Id(18)] public int PeakEnergyWeekday { get; init; }
    [Id(19)] public int PeakEnergyHour { get; init; }
    [Id(20)] public int PeakConcurrencyWeekday { get; init; }
    [Id(21)] public int PeakConcurrencyHour { get; init; }
    /// <summary>Revenue of the sessions started in the range, per currency, with revenue per kWh.</summary>
    [Id(22)] public ImmutableArray<CurrencyRevenue> Revenue { get; init; } = [];
    /// <summary>Revenue per local day and currency (days without revenue are left out).</summary>
    [Id(23)] public ImmutableArray<RevenuePoint> DailyRevenue { get; init; } = [];
    [Id(24)] public ImmutableArray<CurrencyRevenue> PreviousRevenue { get; init; } = [];
    /// <summary>Share of the range the scope's chargers were online and not faulted, 0..100; null when none was measured.</summary>
    [Id(25)] public double? AvailablePercent { get; init; }
    /// <summary>A site's load balancing in the range (a site with a limit): peak allowed, time at the limit, energy deferred.</summary>
    [Id(26)] public LoadDay? SiteLoad { get; init; }
}
