using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A charge point, keyed by its charger ID: connectors, their sessions, presence, registration and channels. One grain
/// in four roles (<see cref="IChargerStation"/>, <see cref="IChargerConnection"/>, <see cref="IChargerOperations"/>,
/// <see cref="IChargerCoordination"/>); a caller that needs one role asks for that interface.
/// </summary>
[Alias("charge.IChargerGrain")]
public interface IChargerGrain : IChargerStation, IChargerTransactions, IChargerConnection, IChargerOperations, IChargerCoordination
{
}
