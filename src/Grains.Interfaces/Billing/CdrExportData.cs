using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>The records behind the exports; the gateway renders them (OCPI JSON, CSV).</summary>
[GenerateSerializer]
[Alias("charge.CdrExportData")]
public sealed record CdrExportData([property: Id(0)] CdrParty Party, [property: Id(1)] ImmutableArray<CdrSession> Sessions);
