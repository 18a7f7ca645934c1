using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.TokenView")]
public sealed record TokenView(
    [property: Id(0)] string IdTag,
    [property: Id(1)] TokenSpec Spec,
    [property: Id(2)] DateTime UpdatedAt,
    [property: Id(3)] int ActiveSessions);
