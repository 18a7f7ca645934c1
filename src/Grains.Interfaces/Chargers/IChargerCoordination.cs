using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What other grains tell a charger: a session settled, an allowance from its site's load balancer, changed site
/// limits, and its own reminder's sweep.
/// </summary>
[Alias("charge.IChargerCoordination")]
public interface IChargerCoordination : IGrainWithStringKey
{
    /// <summary>
    /// A session this charger stopped or closed is followed up (archived, counted, billed): it leaves the unsettled
    /// list without the charger's reminder asking it (which would bring a finished session back into memory). One
    /// way: the session does not wait for its charger; a lost message leaves the reminder to ask, as before.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [Alias("SessionSettled")]
    Task SessionSettled(string sessionId);

    /// <summary>The site's load balancer gives a session an allowance; the charger is told (OCPP profile or station command).</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("ApplyAllowance")]
    Task ApplyAllowance(string sessionId, double allowanceW);

    /// <summary>
    /// The site's limits were set or removed: a connected OCPP charge point gets its default profile again (set on a
    /// site that now has a limit, cleared on one that no longer has), as it would at its next boot.
    /// </summary>
    [Alias("SiteLimitsChanged")]
    Task SiteLimitsChanged();

    /// <summary>Closes sessions that had no reading, status or heartbeat for the configured time (the reminder's sweep).</summary>
    [Alias("SweepAbandoned")]
    Task<int> SweepAbandoned();
}
