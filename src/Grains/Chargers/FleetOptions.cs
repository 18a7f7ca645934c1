using System.ComponentModel.DataAnnotations;

namespace Charge.Grains.Chargers;

/// <summary>How the fleet view judges chargers: <c>Charge:Fleet</c>.</summary>
public sealed class FleetOptions
{
    public const string Section = "Charge:Fleet";

    /// <summary>
    /// A charger not heard from for this long is offline: twice the OCPP heartbeat interval (300 s) by default, so
    /// one lost heartbeat is not an outage.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a charger may take to confirm an allowance its site's load balancer sent (first, raised or lowered)
    /// before it is taken as not limited and its session counted at its maximum.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LimitConfirmedWithin { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How soon after it is brought into memory (a restart, a move) a site's load balancer checks the sessions it
    /// holds against their chargers, and how often after that (<see cref="LoadCheckEvery"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoadCheckAfterActivation { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LoadCheckEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a limited site's balancer measures what its sessions draw (their chargers' latest power), for
    /// GetSiteLoad, the site's metrics and its "above its limit" alert, while it has sessions.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SiteMeasureEvery { get; set; } = TimeSpan.FromSeconds(30);
}
