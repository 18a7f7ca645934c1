using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Which completed sessions an export covers: local start dates [From, To], optionally one charger or site.</summary>
[GenerateSerializer]
[Alias("charge.ExportQuery")]
public sealed record ExportQuery(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly To,
    [property: Id(2)] string? ChargerId = null,
    [property: Id(3)] string? SiteId = null);
