using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
    [property: Id(22)] bool LocalListUnsupported = false,
    [property: Id(23)] ImmutableArray<SecurityEvent> SecurityEvents = default,
    [property: Id(24)] int SecurityEventCount = 0,
    [property: Id(25)] ImmutableArray<PendingStop> PendingStops = default);
