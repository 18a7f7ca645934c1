using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Connector status, the OCPP 1.6 ChargePointStatus set.</summary>
public enum ConnectorStatus
{
    Unknown = 0,
    Available = 1,
    Preparing = 2,
    Charging = 3,
    SuspendedEV = 4,
    SuspendedEVSE = 5,
    Finishing = 6,
    Reserved = 7,
    Unavailable = 8,
    Faulted = 9,
}
