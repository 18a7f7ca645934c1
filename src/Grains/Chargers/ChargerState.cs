using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>The persisted state of a charger grain.</summary>
[GenerateSerializer]
[Alias("charge.ChargerState")]
public sealed record ChargerState
{
    [Id(0)] public Dictionary<int, ConnectorState> Connectors { get; set; } = [];

    /// <summary>Sessions running on this charger by session ID.</summary>
    [Id(1)] public Dictionary<string, ActiveSession> Active { get; set; } = [];

    // Id 2 held a session list before it moved to monthly pages (IChargerHistoryGrain); never shipped, not reused.

    [Id(3)] public DateTime? LastHeartbeat { get; set; }
    [Id(4)] public string? SiteId { get; set; }

    /// <summary>The last OCPP transaction ID handed out; session IDs of OCPP transactions are "{charger}-{id}".</summary>
    [Id(5)] public int LastTransactionId { get; set; }

    /// <summary>Readings that could not be given to any session (bounded), and how many there were.</summary>
    [Id(6)] public List<MeterAnomaly> Anomalies { get; set; } = [];
    [Id(7)] public int AnomalyCount { get; set; }

    /// <summary>The registry entry: connectors declared by the operator (0: not registered) and the secret's SHA-256.</summary>
    [Id(8)] public int ConnectorCount { get; set; }
    [Id(9)] public string? CredentialHash { get; set; }
    [Id(10)] public ConnectorKind? Kind { get; set; }

    /// <summary>The registered maximum power of every connector, and of single connectors where they differ.</summary>
    [Id(11)] public double? MaxPowerW { get; set; }
    [Id(12)] public System.Collections.Immutable.ImmutableDictionary<int, double>? ConnectorMaxPowerW { get; set; }

    /// <summary>Starts the token registry refused, newest last (bounded), and how many there were.</summary>
    [Id(13)] public List<RefusedStart> Refused { get; set; } = [];
    [Id(14)] public int RefusedCount { get; set; }

    /// <summary>What the charge point said at its last BootNotification.</summary>
    [Id(15)] public BootInfo? Boot { get; set; }

    /// <summary>When it was last heard from (written with other changes and at deactivation, not per heartbeat).</summary>
    [Id(16)] public DateTime? LastSeen { get; set; }

    /// <summary>Whether it has ever connected over OCPP: then online means its socket is open.</summary>
    [Id(17)] public bool ViaOcpp { get; set; }

    /// <summary>Periods offline or faulted, oldest first (bounded).</summary>
    [Id(18)] public List<Downtime> Downtime { get; set; } = [];

    [Id(19)] public DateTime? RegisteredAt { get; set; }
    [Id(20)] public DateTime? DecommissionedAt { get; set; }

    /// <summary>The token registry's version the charger's local authorization list last accepted (0: none, or unknown).</summary>
    [Id(21)] public long LocalListVersion { get; set; }

    /// <summary>The charger has no local authorization list (it said so): no updates are sent.</summary>
    [Id(22)] public bool LocalListUnsupported { get; set; }

    /// <summary>The months (yyyy-MM, UTC, ascending) with a page of sessions started here.</summary>
    [Id(23)] public List<string> HistoryMonths { get; set; } = [];

    /// <summary>
    /// Sessions stopped or closed here whose follow-up (archive, usage, invoice) has not been seen done: the charger's
    /// reminder asks them until it has. Written with the release; an entry seen done goes with the next write.
    /// </summary>
    [Id(24)] public List<string> Unsettled { get; set; } = [];

    /// <summary>
    /// Transactions told as events (OCPP 2.0.1) by the station's transaction ID, from their first event until their
    /// record is fixed; then kept as ended (without readings) a while, so a late or repeated event is recognised.
    /// </summary>
    [Id(25)] public Dictionary<string, EventTransaction> EventTransactions { get; set; } = [];

    /// <summary>Security events the charger reported, newest last (bounded), and how many there were.</summary>
    [Id(26)] public List<SecurityEvent> SecurityEvents { get; set; } = [];
    [Id(27)] public int SecurityEventCount { get; set; }

    /// <summary>The newest reading reported outside any transaction, per connector (0: the charger's own meter).</summary>
    [Id(28)] public Dictionary<int, MeterReading> IdleMeters { get; set; } = [];

    /// <summary>Limits set from outside (an energy manager, the grid operator), W, by connector (0: the whole charger).</summary>
    [Id(29)] public Dictionary<int, double> ExternalLimitsW { get; set; } = [];
}

/// <summary>A transaction being assembled from its events (OCPP 2.0.1).</summary>
[GenerateSerializer]
[Alias("charge.EventTransaction")]
public sealed record EventTransaction
{
    [Id(0)] public DateTime FirstSeen { get; set; }
    [Id(1)] public int? ConnectorId { get; set; }

    /// <summary>The start: the Started event's time and Transaction.Begin register, else the earliest reading seen.</summary>
    [Id(2)] public DateTime? StartedAt { get; set; }
    [Id(3)] public decimal? StartWh { get; set; }
    [Id(4)] public bool StartFromBegin { get; set; }

    /// <summary>The token, from whichever event named it first (a plug-in-first transaction names it later).</summary>
    [Id(5)] public string? IdTag { get; set; }

    /// <summary>Readings answered before the session opened (bounded: the first and the newest are kept).</summary>
    [Id(6)] public List<MeterReading> Held { get; set; } = [];

    [Id(7)] public bool Opened { get; set; }
    [Id(8)] public AuthorizationStatus? Refused { get; set; }

    /// <summary>The event numbers seen (written with the record's other changes; after a crash a gap is asked about).</summary>
    [Id(9)] public List<int> SeqNos { get; set; } = [];
    [Id(10)] public bool SawStarted { get; set; }

    [Id(11)] public DateTime? EndedAt { get; set; }
    [Id(12)] public decimal? EndWh { get; set; }
    [Id(13)] public string? StopReason { get; set; }
    [Id(14)] public int? EndSeqNo { get; set; }

    /// <summary>The station said nothing more of it is queued.</summary>
    [Id(15)] public bool QueueEmpty { get; set; }

    /// <summary>Its record is fixed (or it ended without a session): later events are late.</summary>
    [Id(16)] public bool Finished { get; set; }

    /// <summary>The Started event's number: the first of the transaction (0 by the spec; some stations count on across transactions).</summary>
    [Id(17)] public int? StartSeqNo { get; set; }
}

[GenerateSerializer]
[Alias("charge.ConnectorState")]
public sealed record ConnectorState
{
    [Id(0)] public ConnectorStatus Status { get; set; } = ConnectorStatus.Unknown;
    [Id(1)] public string? ActiveSessionId { get; set; }
    [Id(2)] public string ErrorCode { get; set; } = "";
    [Id(3)] public DateTime? StatusAt { get; set; }
}

[GenerateSerializer]
[Alias("charge.ActiveSession")]
public sealed record ActiveSession
{
    [Id(0)] public int ConnectorId { get; set; }

    /// <summary>The last meter batch sequence published for this session.</summary>
    [Id(1)] public long LastSequence { get; set; }

    /// <summary>The OCPP transaction ID, when the session was started over OCPP.</summary>
    [Id(2)] public int? TransactionId { get; set; }

    /// <summary>The id_tag, when the session holds one of its concurrent-session slots (released at the end).</summary>
    [Id(3)] public string? SlotOfIdTag { get; set; }

    /// <summary>
    /// The site whose load balancer was told the session started: the one told it ended, whatever the charger's site
    /// is by then (a charger moved or re-registered must not leave its sessions' shares reserved on the old site).
    /// </summary>
    [Id(4)] public string? LoadSiteId { get; set; }

    /// <summary>The session's tariff group (priority groups share first), kept to tell a new site after a move.</summary>
    [Id(5)] public string? TariffGroup { get; set; }

    /// <summary>Started over OCPP without a 1.6 integer transaction ID (an OCPP 2.0.1 transaction).</summary>
    [Id(6)] public bool OverOcpp { get; set; }

    /// <summary>Commands and limits for it go over the charger's OCPP socket (1.6 or 2.0.1), not its gRPC command stream.</summary>
    public bool StartedOverOcpp => OverOcpp || TransactionId is not null;
}
