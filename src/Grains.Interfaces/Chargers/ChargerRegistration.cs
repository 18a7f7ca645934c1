using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
