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

/// <summary>
/// A batch of readings a charger grain publishes on the session's stream. Delivery can repeat, so the
/// consumer stays idempotent on (timestamp, register); the sequence lets a stop wait for batches in flight.
/// </summary>
[GenerateSerializer]
[Alias("charge.MeterBatch")]
public sealed record MeterBatch(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] ImmutableArray<MeterReading> Readings);

/// <summary>Energy attributed to one clock-aligned 15-minute slot.</summary>
[GenerateSerializer]
[Alias("charge.EnergySlot")]
public sealed record EnergySlot(
    [property: Id(0)] DateTime Start,
    [property: Id(1)] decimal EnergyWh,
    [property: Id(2)] double? MaxPowerW);

/// <summary>Why a reading was not taken into the energy account.</summary>
public enum AnomalyKind
{
    RegisterWentBackwards = 0,
    ConflictingReading = 1,
    BeforeSessionStart = 2,
    AfterSessionStop = 3,
    AboveMeterStop = 4,
    UnknownSession = 5,
}

/// <summary>A reading that was rejected and kept for inspection instead of being counted.</summary>
[GenerateSerializer]
[Alias("charge.MeterAnomaly")]
public sealed record MeterAnomaly(
    [property: Id(0)] AnomalyKind Kind,
    [property: Id(1)] DateTime ReadingTimestamp,
    [property: Id(2)] decimal EnergyWh,
    [property: Id(3)] string Detail);
