using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Sessions;

/// <summary>The persisted state of a session grain.</summary>
[GenerateSerializer]
[Alias("charge.SessionState")]
public sealed record SessionState
{
    [Id(0)] public SessionStatus Status { get; set; }
    [Id(1)] public string ChargerId { get; set; } = "";
    [Id(2)] public int ConnectorId { get; set; }
    [Id(3)] public string IdTag { get; set; } = "";
    [Id(4)] public DateTime StartedAt { get; set; }
    [Id(5)] public decimal MeterStartWh { get; set; }
    [Id(6)] public DateTime? StoppedAt { get; set; }
    [Id(7)] public decimal? MeterStopWh { get; set; }
    [Id(8)] public string StopReason { get; set; } = "";

    /// <summary>The register curve while the session runs (see <see cref="EnergyAccount"/>); only its ends once completed.</summary>
    [Id(9)] public List<MeterReading> Points { get; set; } = [];

    /// <summary>Energy per 15-minute slot, fixed when the session completes.</summary>
    [Id(10)] public List<EnergySlot> Slots { get; set; } = [];

    [Id(11)] public List<MeterAnomaly> Anomalies { get; set; } = [];
    [Id(12)] public int AnomalyCount { get; set; }
    [Id(13)] public int ReadingCount { get; set; }
    [Id(14)] public DateTime? LastReadingAt { get; set; }
    [Id(15)] public double? LastPowerW { get; set; }
    [Id(16)] public double? LastCurrentA { get; set; }
    [Id(17)] public double? LastSocPercent { get; set; }

    /// <summary>The highest meter batch sequence consumed from the stream.</summary>
    [Id(18)] public long ConsumedSequence { get; set; }

    /// <summary>While stopping: the last batch the charger published before the stop.</summary>
    [Id(19)] public long AwaitedSequence { get; set; }

    [Id(20)] public long Version { get; set; }

    /// <summary>The tariff version pinned at start.</summary>
    [Id(21)] public TariffRef? Tariff { get; set; }

    /// <summary>The final price, fixed when the session completes.</summary>
    [Id(22)] public CostBreakdown? FinalCost { get; set; }

    // Id 23 (archived), 26 (usage recorded) and 28 (invoice series) moved to the settlement grain.

    [Id(24)] public string? SiteId { get; set; }

    /// <summary>The site's time zone at start, when the site has one.</summary>
    [Id(25)] public string? SiteTimeZone { get; set; }

    /// <summary>The session's own invoice, once settlement issued it (none without a tariff or on a monthly statement).</summary>
    [Id(27)] public string? InvoiceNumber { get; set; }

    /// <summary>Whether settlement is done: archived, counted in usage, billed (or nothing is due).</summary>
    [Id(29)] public bool Invoiced { get; set; }

    /// <summary>How the charger's register is read: held rise, excluded jumps, session-relative values, the connector's power.</summary>
    [Id(30)] public RegisterState Register { get; set; } = new();

    /// <summary>Who closed the session without the charger's stop (an operator, or the system for superseded and abandoned sessions) and when.</summary>
    [Id(31)] public string? ClosedBy { get; set; }
    [Id(32)] public DateTime? ClosedAt { get; set; }

    /// <summary>The last reading-log position taken into the curve (durable acknowledgement).</summary>
    [Id(33)] public long LogPosition { get; set; }

    /// <summary>The customer the id_tag belonged to at start, fixed then like the tariff.</summary>
    [Id(34)] public string? CustomerId { get; set; }

    /// <summary>
    /// The stop time the charger sent, when it was before the start and the session ended at its last accepted
    /// reading instead (<see cref="StoppedAt"/>): a repeated stop is recognised by what the charger sent.
    /// </summary>
    [Id(35)] public DateTime? StopSentAt { get; set; }

    /// <summary>The credit note that reversed the invoice this session was billed on.</summary>
    [Id(36)] public string? CreditNoteNumber { get; set; }

    /// <summary>Why the session needs an operator's look (its pinned tariff could not be found): it is not priced.</summary>
    [Id(37)] public string? Review { get; set; }
}
