using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>An OCPP StartTransaction: the central system assigns the integer transaction ID.</summary>
[GenerateSerializer]
[Alias("charge.OcppStart")]
public sealed record OcppStart(
    [property: Id(0)] int ConnectorId,
    [property: Id(1)] string IdTag,
    [property: Id(2)] decimal MeterStartWh,
    [property: Id(3)] DateTime Timestamp);
