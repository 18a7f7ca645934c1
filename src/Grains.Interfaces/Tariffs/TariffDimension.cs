using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>OCPI 2.2.1 TariffDimensionType of a price component.</summary>
public enum TariffDimension
{
    Energy = 0,
    Flat = 1,
    ParkingTime = 2,
    Time = 3,
}
