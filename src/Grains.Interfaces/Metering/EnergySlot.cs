using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Energy attributed to one clock-aligned 15-minute slot.</summary>
[GenerateSerializer]
[Alias("charge.EnergySlot")]
public sealed record EnergySlot(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] decimal EnergyWh,
    [property: Id(2)] double? MaxPowerW);
