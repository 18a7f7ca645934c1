using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Telemetry;

/// <summary>
/// The limited sites' load as their balancers last measured it on this silo: what the site draws, its limit in force,
/// and whether it is above it (1 or 0), per site. A site's balancer lives on one silo at a time; a measurement older
/// than <see cref="Stale"/> (its balancer went elsewhere or stopped measuring) is not reported.
/// </summary>
public static class SiteGauges
{
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    private static readonly Meter Sites = new(ChargeTelemetry.SitesMeter);

    private static readonly ConcurrentDictionary<string, Measured> Latest = new(StringComparer.Ordinal);

    private sealed record Measured(double DrawnW, double LimitW, DateTime At);

    static SiteGauges()
    {
        Sites.CreateObservableGauge("charge.site.power", () => Report(m => m.DrawnW), "W", "What a limited site's sessions draw, as its load balancer last measured");
        Sites.CreateObservableGauge("charge.site.limit", () => Report(m => m.LimitW), "W", "A limited site's limit in force");
        Sites.CreateObservableGauge("charge.site.above_limit", () => Report(m => m.DrawnW > m.LimitW ? 1 : 0), "{site}", "1 while a site draws more than its limit in force");
    }

    public static void Record(string siteId, double drawnW, double limitW, DateTime at) => Latest[siteId] = new Measured(drawnW, limitW, at);

    public static void Forget(string siteId) => Latest.TryRemove(siteId, out _);

    private static IEnumerable<Measurement<double>> Report(Func<Measured, double> value)
    {
        var fresh = DateTime.UtcNow - Stale;
        return Latest.Where(m => m.Value.At >= fresh)
            .Select(m => new Measurement<double>(value(m.Value), new KeyValuePair<string, object?>("site", m.Key)));
    }
}
