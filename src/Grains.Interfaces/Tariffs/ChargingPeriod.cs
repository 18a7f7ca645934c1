using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>
/// One OCPI charging period: volumes per dimension from <see cref="Start"/> until the next period's start (or
/// the session end). Power and current are the period's representative values, when known: measurements, so
/// floating point, unlike volumes and money.
/// </summary>
[GenerateSerializer]
[Alias("charge.ChargingPeriod")]
public sealed record ChargingPeriod(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] decimal EnergyKwh,
    [property: Id(2)] decimal ChargingHours,
    [property: Id(3)] decimal ParkingHours,
    [property: Id(4)] double? PowerKw = null,
    [property: Id(5)] double? CurrentA = null);
