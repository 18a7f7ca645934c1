using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>An operator's registry entry for an id_tag.</summary>
[GenerateSerializer]
[Alias("charge.TokenSpec")]
public sealed record TokenSpec(
    [property: Id(0)] TokenStatus Status,
    [property: Id(1)] DateTime? ExpiresAt = null,
    [property: Id(2)] string? ParentIdTag = null,
    [property: Id(3)] int? MaxConcurrentSessions = null,
    [property: Id(4)] string? CustomerId = null,
    [property: Id(5)] string? Label = null);
