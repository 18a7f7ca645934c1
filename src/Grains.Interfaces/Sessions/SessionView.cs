using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What anyone may read about a session at one moment; <see cref="Version"/> grows on every change.</summary>
[GenerateSerializer]
[Alias("charge.SessionView")]
public sealed record SessionView
{
    [Id(0)] public required string SessionId { get; init; }
    [Id(1)] public required string ChargerId { get; init; }
    [Id(2)] public int ConnectorId { get; init; }
    [Id(3)] public required string IdTag { get; init; }
    [Id(4)] public SessionStatus Status { get; init; }
    [Id(5)] public DateTime StartedAt { get; init; }
    [Id(6)] public DateTime? StoppedAt { get; init; }
    [Id(7)] public decimal MeterStartWh { get; init; }
    [Id(8)] public decimal? MeterStopWh { get; init; }
    [Id(9)] public decimal LastRegisterWh { get; init; }
    [Id(10)] public decimal EnergyWh { get; init; }
    [Id(11)] public DateTime? LastReadingAt { get; init; }
    [Id(12)] public double? LastPowerW { get; init; }
    [Id(13)] public double? LastCurrentA { get; init; }
    [Id(14)] public double? LastSocPercent { get; init; }
    [Id(15)] public string StopReason { get; init; } = "";
    [Id(16)] public ImmutableArray<EnergySlot> Slots { get; init; } = [];
    [Id(17)] public ImmutableArray<MeterAnomaly> Anomalies { get; init; } = [];
    [Id(18)] public int AnomalyCount { get; init; }
    [Id(19)] public int ReadingCount { get; init; }
    [Id(20)] public long Version { get; init; }
    /// <summary>The tariff version pinned at start; null when no tariff was assigned to the charger or its site.</summary>
    [Id(21)] public Tariffs.TariffRef? Tariff { get; init; }
    /// <summary>Running cost up to the last reading while active; the fixed final price once completed.</summary>
    [Id(22)] public Tariffs.CostBreakdown? Cost { get; init; }
    /// <summary>The charger's site at start, and the IANA zone local times are told in (site, else tariff, else the default).</summary>
    [Id(23)] public string? SiteId { get; init; }
    [Id(24)] public string TimeZone { get; init; } = "UTC";
    /// <summary>The invoice issued for the completed session, once issued.</summary>
    [Id(25)] public string? InvoiceNumber { get; init; }
    /// <summary>Billing is done with this session: invoiced, on its id_tag's monthly statement, or nothing to bill.</summary>
    [Id(26)] public bool Billed { get; init; }
    /// <summary>Set when the session was closed without the charger's stop: who (operator subject, or "system") and when.</summary>
    [Id(27)] public string? ClosedBy { get; init; }
    [Id(28)] public DateTime? ClosedAt { get; init; }
    /// <summary>The connector's maximum power the register's rises are judged against.</summary>
    [Id(29)] public double MaxPowerW { get; init; }
    /// <summary>The customer the id_tag belonged to at start (who the session is billed to), if any.</summary>
    [Id(30)] public string? CustomerId { get; init; }
    /// <summary>The power its site's load balancer allows it now (W); null on a site without a limit.</summary>
    [Id(31)] public double? AllowanceW { get; init; }
    /// <summary>The credit note that reversed the invoice this session was billed on, once one was issued.</summary>
    [Id(32)] public string? CreditNoteNumber { get; init; }
    /// <summary>Why the session needs an operator's look before it is billed (its tariff could not be found); null when none.</summary>
    [Id(33)] public string? Review { get; init; }
}
