using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A pointer to a session kept by the indexes (charger, id_tag) for listing.</summary>
[GenerateSerializer]
[Alias("charge.SessionRef")]
public sealed record SessionRef(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] string IdTag,
    [property: Id(3)] DateTime StartedAt);
