using System.Collections.Immutable;

namespace Charge.Gateway.Ocpp.V201;

// The OCPP 2.0.1 requests a charging station sends and our answers, as their schemas (Ocpp/Schemas/v201) name them.
// A payload is bound once its schema passed; integers bind as decimal and are bounded where they are read.

public sealed record ChargingStationWire(string Model, string VendorName, string? SerialNumber = null, string? FirmwareVersion = null);

public sealed record BootNotification201Wire(ChargingStationWire ChargingStation, string Reason);

public sealed record BootNotification201Response(string CurrentTime, int Interval, string Status);

public sealed record Heartbeat201Response(string CurrentTime);

public sealed record StatusNotification201Wire(string Timestamp, string ConnectorStatus, decimal EvseId, decimal ConnectorId);

public sealed record IdTokenWire(string IdToken, string Type);

public sealed record Authorize201Wire(IdTokenWire IdToken);

/// <summary>idTokenInfo (2.0.1 IdTokenInfoType): the registry's answer; groupIdToken is the parent group.</summary>
public sealed record IdTokenInfo201(string Status, string? CacheExpiryDateTime = null, IdTokenWire? GroupIdToken = null);

public sealed record Authorize201Response(IdTokenInfo201 IdTokenInfo);

public sealed record UnitOfMeasureWire(string? Unit = null, decimal? Multiplier = null);

public sealed record SampledValue201Wire(decimal Value, string? Context = null, string? Measurand = null, string? Phase = null, string? Location = null,
    UnitOfMeasureWire? UnitOfMeasure = null);

public sealed record MeterValue201Wire(string Timestamp, ImmutableArray<SampledValue201Wire> SampledValue);

public sealed record TransactionInfoWire(string TransactionId, string? ChargingState = null, decimal? TimeSpentCharging = null, string? StoppedReason = null,
    decimal? RemoteStartId = null);

public sealed record EvseWire(decimal Id, decimal? ConnectorId = null);

public sealed record TransactionEventWire(
    string EventType, string Timestamp, string TriggerReason, decimal SeqNo, TransactionInfoWire TransactionInfo, bool? Offline = null,
    EvseWire? Evse = null, IdTokenWire? IdToken = null, ImmutableArray<MeterValue201Wire>? MeterValue = null);

public sealed record TransactionEvent201Response(decimal? TotalCost = null, IdTokenInfo201? IdTokenInfo = null)
{
    /// <summary>Not sent: the end waits for missing events, so the station is asked about its queue after the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AwaitingEvents { get; init; }
}

public sealed record SecurityEventWire(string Type, string Timestamp, string? TechInfo = null);

public sealed record VariableAttributeWire(string? Type = null, string? Value = null, string? Mutability = null);

public sealed record VariableCharacteristicsWire(string DataType, string? Unit = null);

public sealed record ReportDataWire(Ocpp201Commands.ComponentRef Component, Ocpp201Commands.VariableRef Variable,
    ImmutableArray<VariableAttributeWire> VariableAttribute, VariableCharacteristicsWire? VariableCharacteristics = null);

public sealed record NotifyReportWire(decimal RequestId, string GeneratedAt, decimal SeqNo, ImmutableArray<ReportDataWire>? ReportData = null, bool? Tbc = null);

public sealed record ChargingLimitWire(string ChargingLimitSource, bool? IsGridCritical = null);

public sealed record LimitPeriodWire(decimal StartPeriod, decimal Limit, decimal? NumberPhases = null);

public sealed record LimitScheduleWire(string ChargingRateUnit, ImmutableArray<LimitPeriodWire> ChargingSchedulePeriod);

public sealed record NotifyChargingLimitWire(ChargingLimitWire ChargingLimit, ImmutableArray<LimitScheduleWire>? ChargingSchedule = null, decimal? EvseId = null);

public sealed record ClearedChargingLimitWire(string ChargingLimitSource, decimal? EvseId = null);

public sealed record EventDataWire(decimal EventId, string Timestamp, string Trigger, string ActualValue, Ocpp201Commands.ComponentRef Component,
    Ocpp201Commands.VariableRef Variable, string EventNotificationType, string? TechInfo = null, bool? Cleared = null, string? TransactionId = null);

public sealed record NotifyEventWire(string GeneratedAt, decimal SeqNo, ImmutableArray<EventDataWire> EventData, bool? Tbc = null);

public sealed record MeterValues201Wire(decimal EvseId, ImmutableArray<MeterValue201Wire> MeterValue);

public sealed record DataTransfer201Response(string Status);

/// <summary>An empty payload.</summary>
public sealed record Empty201;
