using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Analytics;

[GenerateSerializer]
[Alias("charge.UsageDayState")]
public sealed record UsageDayState
{
    [Id(0)] public UsageDay? Day { get; set; }

    /// <summary>
    /// Sessions counted whose settlement has not yet confirmed it will not send them again: a contribution is
    /// delivered at least once and must count once. Released sessions leave it, so it holds only those in flight.
    /// </summary>
    [Id(1)] public HashSet<string> Sessions { get; set; } = [];
}

public sealed class UsageDayGrain([PersistentState("usage", StorageNames.Charge)] IPersistentState<UsageDayState> state) : Grain, IUsageDayGrain
{
    private bool _unwritten;

    // A count changed in memory and not yet stored (its write failed): a repeated Record writes it before answering.
    private bool _countUnwritten;

    private DateOnly Date => DateOnly.ParseExact(this.GetPrimaryKeyString().Split('|')[^1].Split('#')[0], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task Record(UsageContribution contribution)
    {
        if (state.State.Sessions.Add(contribution.SessionId))
        {
            state.State.Day = UsageAttribution.Add(Current, contribution);
            _countUnwritten = true;
        }
        else if (!_countUnwritten)
        {
            return;
        }

        // A retry after a failed write finds the session counted in memory only: it is answered once that is stored.
        await state.WriteOrUnavailable(GrainContext);
        _countUnwritten = false;
        _unwritten = false;
    }

    public Task Release(string sessionId)
    {
        // Not worth a write of its own: a released session left in storage only stays listed a little longer.
        _unwritten |= state.State.Sessions.Remove(sessionId);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Not after a failed write (ApplicationError): memory then holds what its caller was told was not applied.
        if (_unwritten && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The released sessions stay listed; they are released again by nobody, and cost a few bytes each.
            }
        }
    }

    public Task<UsageDay> Get() => Task.FromResult(Current);

    private UsageDay Current => state.State.Day ?? new UsageDay { Date = Date };
}

[StatelessWorker]
public sealed class ReportGrain(IOptions<SessionOptions> options, TimeProvider time) : Grain, IReportGrain
{
    public const int MaxDays = 366;

    public async Task<UsageReport> Usage(UsageScope scope, DateOnly from, DateOnly to)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw ChargeException.InvalidArgument($"the range must be 1 to {MaxDays} days, from before to");
        }

        var (connectors, zoneId) = await Describe(scope);
        var (previousFrom, previousTo) = UsageReports.PreviousPeriod(from, to);
        var days = await Days(scope, from, to);
        var previous = await Days(scope, previousFrom, previousTo);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var report = UsageReports.Build(scope, from, to, days, previous, connectors, zone);
        return report with
        {
            AvailablePercent = await Availability(scope, UsageReports.LocalMidnight(from, zone), UsageReports.LocalMidnight(to.AddDays(1), zone)),
            SiteLoad = scope.Kind == UsageScope.Site ? await GrainFactory.GetGrain<ISiteLoadGrain>(scope.Id!).Days(from, to) : null,
        };
    }

    /// <summary>
    /// The scope's availability: time its chargers were online and not faulted over the time they were measured
    /// (each from its registration), so a charger added mid-range weighs by the time it was there.
    /// </summary>
    private async Task<double?> Availability(UsageScope scope, DateTime from, DateTime to)
    {
        IEnumerable<string> chargers = scope.Kind switch
        {
            UsageScope.Charger => [scope.Id!],
            UsageScope.Site => (await GrainFactory.GetGrain<ISiteGrain>(scope.Id!).Get()).Chargers.Keys,
            _ => await GrainFactory.GetGrain<IChargerDirectoryGrain>(IChargerDirectoryGrain.Key).List(null, int.MaxValue),
        };
        var views = await Task.WhenAll(chargers.Select(id => GrainFactory.GetGrain<IChargerGrain>(id).GetAvailability(from, to)));
        var measured = views.Sum(v => v.MeasuredSeconds);
        return measured > 0 ? 100.0 * (measured - views.Sum(v => v.UnavailableSeconds)) / measured : null;
    }

    public async Task<ImmutableArray<RevenueRow>> Revenue(UsageScope scope, DateOnly from, DateOnly to)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxDays)
        {
            throw ChargeException.InvalidArgument($"the range must be 1 to {MaxDays} days, from before to");
        }

        IEnumerable<UsageScope> within = scope.Kind switch
        {
            UsageScope.Site => (await GrainFactory.GetGrain<ISiteGrain>(scope.Id!).Get()).Chargers.Keys
                .Order(StringComparer.Ordinal).Select(c => new UsageScope(UsageScope.Charger, c)),
            UsageScope.Network => (await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).List())
                .Order(StringComparer.Ordinal).Select(s => new UsageScope(UsageScope.Site, s)),
            _ => [],
        };
        var rows = ImmutableArray.CreateBuilder<RevenueRow>();
        foreach (var s in within.Prepend(scope))
        {
            foreach (var day in await Days(s, from, to))
            {
                rows.AddRange(day.Revenue.Select(r => new RevenueRow(day.Date, s, r)));
            }
        }

        return rows.ToImmutable();
    }

    /// <summary>Each day of the range: the sum of its shards.</summary>
    private async Task<UsageDay[]> Days(UsageScope scope, DateOnly from, DateOnly to) =>
        await Task.WhenAll(Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(async i =>
        {
            var date = from.AddDays(i);
            var parts = await Task.WhenAll(Enumerable.Range(0, IUsageDayGrain.Shards(scope.Key))
                .Select(shard => IUsageDayGrain.Key(scope.Key, date, shard))
                .Select(key => GrainFactory.GetGrain<IUsageDayGrain>(key).Get()));
            return parts.Aggregate(UsageAttribution.Merge);
        }));

    /// <summary>The connectors in scope and the zone its days are told in.</summary>
    private async Task<(int Connectors, string Zone)> Describe(UsageScope scope)
    {
        switch (scope.Kind)
        {
            case UsageScope.Charger:
                var charger = await GrainFactory.GetGrain<IChargerGrain>(scope.Id!).GetView();
                var chargerZone = charger.SiteId is { } site ? (await GrainFactory.GetGrain<ISiteGrain>(site).Get()).Info?.TimeZone : null;
                return (Math.Max(1, charger.ConnectorCount), chargerZone ?? options.Value.DefaultTimeZone);
            case UsageScope.Site:
                var view = await GrainFactory.GetGrain<ISiteGrain>(scope.Id!).Get();
                return (view.ConnectorCount, view.Info?.TimeZone ?? options.Value.DefaultTimeZone);
            default:
                // Every charger's connectors, those on no site included: the network's sessions are all of theirs.
                var sites = await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).List();
                var views = await Task.WhenAll(sites.Append(ISiteGrain.Unsited).Select(s => GrainFactory.GetGrain<ISiteGrain>(s).Get()));
                return (views.Sum(v => v.ConnectorCount), options.Value.DefaultTimeZone);
        }
    }

    public async Task<CapacityPlan> CapacityPlan(string siteId, DateOnly? from, DateOnly? to)
    {
        var site = await GrainFactory.GetGrain<ISiteGrain>(siteId).Get();
        if (site.Info is null && site.Chargers.IsEmpty)
        {
            throw ChargeException.NotFound($"site '{siteId}' does not exist");
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.Info?.TimeZone ?? options.Value.DefaultTimeZone);
        var today = DateOnly.FromDateTime(LocalTime.Of(time.GetUtcNow().UtcDateTime, zone));
        var (first, last) = (from ?? today.AddDays(1 - IReportGrain.CapacityPlanDays), to ?? today);
        var usage = await Usage(new UsageScope(UsageScope.Site, siteId), first, last);
        var limits = (await GrainFactory.GetGrain<ISiteLoadGrain>(siteId).Get()).Limits;
        var (start, end) = (UsageReports.LocalMidnight(first, zone), UsageReports.LocalMidnight(last.AddDays(1), zone));
        var chargers = await Task.WhenAll(site.Chargers.Keys.Select(id => GrainFactory.GetGrain<IChargerGrain>(id).GetView()));
        var refused = chargers.Sum(c => c.RefusedStarts.IsDefault ? 0 : c.RefusedStarts.Count(r => r.At >= start && r.At < end));
        return CapacityPlanner.Build(siteId, usage, limits, refused);
    }

    public async Task<ImmutableArray<SiteLive>> Live(string? siteId)
    {
        if (siteId is not null)
        {
            return [await GrainFactory.GetGrain<ISiteGrain>(siteId).GetLive()];
        }

        // The network: every site, and the chargers on none (listed last, when there are any).
        var sites = await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).List();
        var live = await Task.WhenAll(sites.Append(ISiteGrain.Unsited).Select(s => GrainFactory.GetGrain<ISiteGrain>(s).GetLive()));
        return [.. live.Where(l => l.SiteId != ISiteGrain.Unsited || !l.Chargers.IsEmpty)];
    }
}
