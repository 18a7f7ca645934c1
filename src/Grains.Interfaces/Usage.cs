using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One session's part in one local day of usage: energy and time in a session per local hour, and, on the day it
/// started, the session itself (count, whole energy, duration).
/// </summary>
[GenerateSerializer]
[Alias("charge.UsageContribution")]
public sealed record UsageContribution(
    [property: Id(0)] string SessionId,
    [property: Id(1)] bool StartedThisDay,
    [property: Id(2)] decimal SessionEnergyWh,
    [property: Id(3)] long SessionDurationSeconds,
    [property: Id(4)] ImmutableArray<decimal> EnergyWhByHour,
    [property: Id(5)] ImmutableArray<long> SessionSecondsByHour,
    [property: Id(6)] CurrencyRevenue? Revenue = null);

/// <summary>
/// What priced sessions earned in one currency: the invoiced totals (each session's total rounded to the minor unit)
/// less what credit notes gave back, the sessions and the energy they delivered. A session counts on the local day it
/// started, like its count, and so does a credit of it, whenever the credit note was issued.
/// </summary>
[GenerateSerializer]
[Alias("charge.CurrencyRevenue")]
public sealed record CurrencyRevenue(
    [property: Id(0)] string Currency,
    [property: Id(1)] Tariffs.Money Amount,
    [property: Id(2)] int Sessions,
    [property: Id(3)] decimal EnergyWh,
    [property: Id(4)] Tariffs.Money Credited = default,
    [property: Id(5)] int CreditedSessions = 0)
{
    /// <summary>A credit note's reversal of one session's revenue: the amount leaves the revenue and is shown as credited.</summary>
    public static CurrencyRevenue Credit(string currency, Tariffs.Money amount) =>
        new(currency, Tariffs.Money.Zero - amount, 0, 0m, amount, 1);

    /// <summary>Revenue per kWh delivered by the priced sessions (excl. and incl. VAT, full precision); zero without energy.</summary>
    public Tariffs.Money PerKwh => EnergyWh == 0 ? Tariffs.Money.Zero
        : new Tariffs.Money(Amount.ExclVat * 1000m / EnergyWh, Amount.InclVat * 1000m / EnergyWh);

    public static ImmutableArray<CurrencyRevenue> Sum(IEnumerable<CurrencyRevenue> parts) =>
    [
        .. parts.GroupBy(p => p.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyRevenue(g.Key, g.Aggregate(Tariffs.Money.Zero, (sum, p) => sum + p.Amount), g.Sum(p => p.Sessions), g.Sum(p => p.EnergyWh),
                g.Aggregate(Tariffs.Money.Zero, (sum, p) => sum + p.Credited), g.Sum(p => p.CreditedSessions))),
    ];
}

/// <summary>One row of the revenue export: a scope's revenue in one currency on one local day.</summary>
[GenerateSerializer]
[Alias("charge.RevenueRow")]
public sealed record RevenueRow(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] UsageScope Scope,
    [property: Id(2)] CurrencyRevenue Revenue);

/// <summary>A day's revenue in one currency, for the revenue trend.</summary>
[GenerateSerializer]
[Alias("charge.RevenuePoint")]
public sealed record RevenuePoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] string Currency,
    [property: Id(2)] Tariffs.Money Amount);

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

/// <summary>
/// One shard of one scope's usage on one local day, key "{scope}|{yyyy-MM-dd}#{shard}" with scope "network",
/// "site:{id}" or "charger:{id}". A session counts in the shard its ID hashes to, so no single record holds a busy
/// day's sessions and no single grain takes every stop of the network; a day's usage is the sum of its shards.
/// </summary>
[Alias("charge.IUsageDayGrain")]
public interface IUsageDayGrain : IGrainWithStringKey
{
    public static string Key(string scope, DateOnly date, int shard) => $"{scope}|{date:yyyy-MM-dd}#{shard}";

    /// <summary>How many shards a scope's day has: the network's takes every stop, a site's many, a charger's few.</summary>
    public static int Shards(string scope) =>
        scope == UsageScope.OfNetwork.Key ? 8 : scope.StartsWith(UsageScope.Site + ":", StringComparison.Ordinal) ? 4 : 1;

    /// <summary>The shard a session counts in (a stable hash of its ID: the same in every process and version).</summary>
    public static int ShardOf(string scope, string sessionId)
    {
        var hash = 2166136261u;
        foreach (var c in sessionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Shards(scope));
    }

    /// <summary>
    /// Adds a session's contribution once: the session stays listed as in flight until <see cref="Release"/>, and a
    /// repeated contribution meanwhile (a retry after a lost answer) is ignored.
    /// </summary>
    [Alias("Record")]
    Task Record(UsageContribution contribution);

    /// <summary>
    /// The settlement has written that this session is counted and will not send it again: it leaves the in-flight
    /// list (written with the shard's next change), so the record stays the size of what is in flight.
    /// </summary>
    [Alias("Release")]
    Task Release(string sessionId);

    [Alias("Get")]
    Task<UsageDay> Get();
}

/// <summary>Which usage a report covers: the network, a site, or a charger.</summary>
[GenerateSerializer]
[Alias("charge.UsageScope")]
public sealed record UsageScope(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Id)
{
    public const string Network = "network";
    public const string Site = "site";
    public const string Charger = "charger";

    public static UsageScope OfNetwork { get; } = new(Network, null);

    /// <summary>The scope as it appears in usage-day keys.</summary>
    public string Key => Id is null ? Kind : $"{Kind}:{Id}";
}

/// <summary>A bucket of a demand trend: a day, an ISO week (its Monday) or a month (its first day).</summary>
[GenerateSerializer]
[Alias("charge.TrendPoint")]
public sealed record TrendPoint(
    [property: Id(0)] DateOnly Start,
    [property: Id(1)] decimal EnergyKwh,
    [property: Id(2)] int Sessions);

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

/// <summary>Reports over grains: usage by fan-in of usage-day grains, live load by fan-out to sites. Stateless.</summary>
[Alias("charge.IReportGrain")]
public interface IReportGrain : IGrainWithStringKey
{
    [Alias("Usage")]
    Task<UsageReport> Usage(UsageScope scope, DateOnly from, DateOnly to);

    /// <summary>
    /// Revenue per local day and currency of a scope and of the scopes within it (a site's chargers, the network's
    /// sites), for the revenue export.
    /// </summary>
    [Alias("Revenue")]
    Task<ImmutableArray<RevenueRow>> Revenue(UsageScope scope, DateOnly from, DateOnly to);

    /// <summary>Live load of one site, or of every site when siteId is null.</summary>
    [Alias("Live")]
    Task<ImmutableArray<SiteLive>> Live(string? siteId);
}
