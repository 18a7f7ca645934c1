using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A priced session with what its CDR needs besides: where it happened and the tariff as the operator put it.</summary>
[GenerateSerializer]
[Alias("charge.CdrSession")]
public sealed record CdrSession(
    [property: Id(0)] SessionView Session,
    [property: Id(1)] SiteInfo? Site,
    [property: Id(2)] ConnectorKind Connector,
    [property: Id(3)] string? TariffOcpiJson);
