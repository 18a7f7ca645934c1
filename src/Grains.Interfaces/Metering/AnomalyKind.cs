using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
    /// <summary>An event-driven (OCPP 2.0.1) transaction ended without a token the registry accepted, or without a start register: nothing is billed.</summary>
    NeverStarted = 14,
}
