using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A day of usage in one scope (a charger, a site, the network), in local time.</summary>
[GenerateSerializer]
[Alias("charge.UsageDay")]
public sealed record UsageDay
{
    public const int Hours = 24;

    /// <summary>Upper bounds (kWh, exclusive) of the energy-per-session histogram; the last bucket is open.</summary>
    public static readonly ImmutableArray<decimal> EnergyBucketsKwh = [5, 10, 20, 30, 50, 75];

    [Id(0)] public DateOnly Date { get; init; }
    /// <summary>Sessions that started this day.</summary>
    [Id(1)] public int Sessions { get; init; }
    /// <summary>Whole energy and duration of the sessions that started this day.</summary>
    [Id(2)] public decimal SessionEnergyWh { get; init; }
    [Id(3)] public long SessionDurationSeconds { get; init; }
    /// <summary>Energy delivered in each local hour of this day (of any session); the 25th hour of a DST night folds into its hour.</summary>
    [Id(4)] public ImmutableArray<decimal> EnergyWhByHour { get; init; } = [.. new decimal[Hours]];
    /// <summary>Connector-seconds in a session per local hour: divided by 3600, the average number of concurrent sessions.</summary>
    [Id(5)] public ImmutableArray<long> SessionSecondsByHour { get; init; } = [.. new long[Hours]];
    /// <summary>Sessions started this day by energy bucket (<see cref="EnergyBucketsKwh"/>).</summary>
    [Id(6)] public ImmutableArray<int> EnergyHistogram { get; init; } = [.. new int[EnergyBucketsKwh.Length + 1]];
    /// <summary>What the priced sessions that started this day earned, per currency.</summary>
    [Id(7)] public ImmutableArray<CurrencyRevenue> Revenue { get; init; } = [];

    public decimal EnergyWh => EnergyWhByHour.Sum();

    public long SessionSeconds => SessionSecondsByHour.Sum();
}
