using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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

    /// <summary>
    /// A site's capacity plan over local dates [from, to] (both null: the last <see cref="CapacityPlanDays"/> days up
    /// to today in the site's zone): limits met, the upgrade it points to, demand ahead. NotFound for an unknown site.
    /// </summary>
    [Alias("CapacityPlan")]
    Task<CapacityPlan> CapacityPlan(string siteId, DateOnly? from, DateOnly? to);

    /// <summary>Eight weeks: enough for a forecast scored on a held-out week.</summary>
    public const int CapacityPlanDays = 56;
}
