using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.StartAuthorization")]
public sealed record StartAuthorization(
    [property: Id(0)] TokenAuthorization Authorization,
    [property: Id(1)] bool HoldsSlot,
    [property: Id(2)] string? CustomerId = null);
