using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>One meter sample as reported by a station: the cumulative register is the source of truth.</summary>
[GenerateSerializer]
[Alias("charge.MeterReading")]
public sealed record MeterReading(
    [property: Id(0)] DateTime Timestamp,
    [property: Id(1)] decimal EnergyWh,
    [property: Id(2)] double? PowerW = null,
    [property: Id(3)] double? CurrentA = null,
    [property: Id(4)] double? SocPercent = null);
