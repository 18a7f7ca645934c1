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
/// <see cref="LogPosition"/> is the batch's place in the session's durable reading log (1, 2, 3, …; 0 when
/// acknowledgements are write-behind): a consumer that sees a gap reads the missing batches from the log.
/// </summary>
[GenerateSerializer]
[Alias("charge.MeterBatch")]
public sealed record MeterBatch(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] ImmutableArray<MeterReading> Readings,
    [property: Id(4)] long LogPosition = 0);

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
    /// <summary>An implausible rise between plausible registers: set aside (energy rule 4).</summary>
    Spike = 6,
    /// <summary>The register moved to a new level for good (an offline start that sent 0, a swapped meter): the jump is not billed.</summary>
    JumpExcluded = 7,
    /// <summary>The charger reports MeterValues relative to the session: each is read as meter_start + value (energy rule 5).</summary>
    RelativeMeterValues = 8,
    /// <summary>A stop register below the start in a session that is not relative: energy is what the readings show (energy rule 6).</summary>
    StopBelowStart = 9,
    /// <summary>The stop's timestamp is before the session start: the stop is taken at the last accepted reading.</summary>
    StopBeforeStart = 10,
    /// <summary>The session was closed without the charger's stop: superseded, abandoned or force-closed; energy to the last accepted register.</summary>
    ClosedWithoutStop = 11,
    /// <summary>The tariff version pinned at start could not be found: the session is not priced and is flagged for review.</summary>
    TariffMissing = 12,
    /// <summary>A sample of the charger's stop could not be read (a bad value or timestamp): dropped, the stop applied.</summary>
    StopSampleDropped = 13,
}

/// <summary>A reading that was rejected and kept for inspection instead of being counted.</summary>
[GenerateSerializer]
[Alias("charge.MeterAnomaly")]
public sealed record MeterAnomaly(
    [property: Id(0)] AnomalyKind Kind,
    [property: Id(1)] DateTime ReadingTimestamp,
    [property: Id(2)] decimal EnergyWh,
    [property: Id(3)] string Detail);
