using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Connector status, the OCPP 1.6 ChargePointStatus set.</summary>
public enum ConnectorStatus
{
    Unknown = 0,
    Available = 1,
    Preparing = 2,
    Charging = 3,
    SuspendedEV = 4,
    SuspendedEVSE = 5,
    Finishing = 6,
    Reserved = 7,
    Unavailable = 8,
    Faulted = 9,
}

[GenerateSerializer]
[Alias("charge.ConnectorView")]
public sealed record ConnectorView(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] ConnectorStatus Status,
    [property: Id(2)] string? ActiveSessionId,
    [property: Id(3)] string ErrorCode,
    [property: Id(4)] DateTime? StatusAt,
    [property: Id(5)] double? PowerW = null);

/// <summary>A charger as the fleet list shows it, most urgent first: decommissioned, offline, faulted, charging, available.</summary>
public enum FleetStatus
{
    Available = 0,
    Charging = 1,
    Faulted = 2,
    Offline = 3,
    Decommissioned = 4,
}

/// <summary>What a charge point said about itself at its last BootNotification.</summary>
[GenerateSerializer]
[Alias("charge.BootInfo")]
public sealed record BootInfo(
    [property: Id(0)] string Vendor,
    [property: Id(1)] string Model,
    [property: Id(2)] string? FirmwareVersion,
    [property: Id(3)] string? SerialNumber,
    [property: Id(4)] DateTime BootedAt);

public enum DowntimeKind
{
    Offline = 0,
    Faulted = 1,
}

/// <summary>A period a charger was offline or faulted; an open one has no end yet.</summary>
[GenerateSerializer]
[Alias("charge.Downtime")]
public sealed record Downtime(
    [property: Id(0)] DowntimeKind Kind,
    [property: Id(1)] DateTime Start,
    [property: Id(2)] DateTime? End);

/// <summary>How much of a time range a charger was available (online and not faulted), from when it was registered.</summary>
[GenerateSerializer]
[Alias("charge.AvailabilityView")]
public sealed record AvailabilityView(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] DateTime From,
    [property: Id(2)] DateTime To,
    [property: Id(3)] double MeasuredSeconds,
    [property: Id(4)] double OfflineSeconds,
    [property: Id(5)] double FaultedSeconds,
    [property: Id(6)] double UnavailableSeconds,
    [property: Id(7)] ImmutableArray<Downtime> Periods)
{
    /// <summary>Share of the measured time available, 0..100; null when nothing of the range was measured.</summary>
    public double? AvailablePercent => MeasuredSeconds > 0 ? 100.0 * (MeasuredSeconds - UnavailableSeconds) / MeasuredSeconds : null;
}

[GenerateSerializer]
[Alias("charge.ChargerView")]
public sealed record ChargerView(
    [property: Id(0)] string ChargerId,
    [property: Id(1)] ImmutableArray<ConnectorView> Connectors,
    [property: Id(2)] DateTime? LastHeartbeat,
    [property: Id(3)] bool Known,
    [property: Id(4)] string? SiteId = null,
    [property: Id(5)] int AnomalyCount = 0,
    [property: Id(6)] ImmutableArray<MeterAnomaly> Anomalies = default,
    [property: Id(7)] bool Registered = false,
    [property: Id(8)] int ConnectorCount = 0,
    [property: Id(9)] ConnectorKind? Kind = null,
    [property: Id(10)] ImmutableDictionary<int, double>? MaxPowerW = null,
    [property: Id(11)] DateTime? LastContactAt = null,
    [property: Id(12)] bool OcppConnected = false,
    [property: Id(13)] bool CommandStreamOpen = false,
    [property: Id(14)] ImmutableArray<RefusedStart> RefusedStarts = default,
    [property: Id(15)] int RefusedStartCount = 0,
    [property: Id(16)] bool Online = false,
    [property: Id(17)] DateTime? LastSeenAt = null,
    [property: Id(18)] BootInfo? Boot = null,
    [property: Id(19)] DateTime? DecommissionedAt = null,
    [property: Id(20)] FleetStatus FleetStatus = FleetStatus.Offline,
    [property: Id(21)] long LocalListVersion = 0,
    [property: Id(22)] bool LocalListUnsupported = false);

/// <summary>
/// An operator's entry in the charger registry: where the charger is, how many connectors it has, and the
/// SHA-256 (hex) of its secret. The secret itself is never stored.
/// </summary>
[GenerateSerializer]
[Alias("charge.ChargerRegistration")]
public sealed record ChargerRegistration(
    [property: Id(0)] string? SiteId,
    [property: Id(1)] int ConnectorCount,
    [property: Id(2)] string CredentialHash,
    [property: Id(3)] ConnectorKind? Kind = null,
    [property: Id(4)] double? MaxPowerW = null,
    [property: Id(5)] ImmutableDictionary<int, double>? ConnectorMaxPowerW = null);

/// <summary>The physical connectors of a charger, as OCPI describes them in a CDR's location.</summary>
[GenerateSerializer]
[Alias("charge.ConnectorKind")]
public sealed record ConnectorKind(
    [property: Id(0)] string Standard,
    [property: Id(1)] string Format,
    [property: Id(2)] string PowerType)
{
    /// <summary>What a charger registered without saying has: Type 2 sockets on three-phase AC, the common public AC charger.</summary>
    public static readonly ConnectorKind Default = new("IEC_62196_T2", "SOCKET", "AC_3_PHASE");
}

/// <summary>An OCPP StartTransaction: the central system assigns the integer transaction ID.</summary>
[GenerateSerializer]
[Alias("charge.OcppStart")]
public sealed record OcppStart(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] string IdTag,
    [property: Id(2)] decimal MeterStartWh,
    [property: Id(3)] DateTime Timestamp);

/// <summary>
/// A StartTransaction's answer: the transaction ID (OCPP requires one even for a refused tag) and the registry's
/// idTagInfo. A refused start has no session: the charger is expected to end the transaction.
/// </summary>
[GenerateSerializer]
[Alias("charge.OcppTransaction")]
public sealed record OcppTransaction(
    [property: Id(0)] int TransactionId,
    [property: Id(1)] SessionView? Session,
    [property: Id(2)] TokenAuthorization? Authorization = null);

/// <summary>A start the token registry refused: nothing else of it is recorded.</summary>
[GenerateSerializer]
[Alias("charge.RefusedStart")]
public sealed record RefusedStart(
    [property: Id(0)] DateTime At,
    [property: Id(1)] int ConnectorId,
    [property: Id(2)] string IdTag,
    [property: Id(3)] AuthorizationStatus Status,
    [property: Id(4)] string Reason,
    [property: Id(5)] int? TransactionId,
    [property: Id(6)] DateTime StationTimestamp = default,
    [property: Id(7)] decimal MeterStartWh = 0);

[GenerateSerializer]
[Alias("charge.StatusReport")]
public sealed record StatusReport(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] ConnectorStatus Status,
    [property: Id(2)] string ErrorCode,
    [property: Id(3)] DateTime Timestamp);

/// <summary>How a batch of readings was taken by the charger.</summary>
[GenerateSerializer]
[Alias("charge.MeterValuesAccepted")]
public sealed record MeterValuesAccepted(
    [property: Id(0)] string SessionId,
    [property: Id(1)] int Accepted,
    [property: Id(2)] long Sequence);
