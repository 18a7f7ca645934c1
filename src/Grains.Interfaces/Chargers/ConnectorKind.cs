using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
