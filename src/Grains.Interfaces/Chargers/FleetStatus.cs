using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A charger as the fleet list shows it, most urgent first: decommissioned, offline, faulted, charging, available.</summary>
public enum FleetStatus
{
    Available = 0,
    Charging = 1,
    Faulted = 2,
    Offline = 3,
    Decommissioned = 4,
}
