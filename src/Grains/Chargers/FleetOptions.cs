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
}
