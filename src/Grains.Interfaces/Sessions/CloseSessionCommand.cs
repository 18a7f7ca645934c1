using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Close a session without the charger's stop; who and why are recorded.</summary>
[GenerateSerializer]
[Alias("charge.CloseSession")]
public sealed record CloseSessionCommand(
    [property: Id(0)] string Reason,
    [property: Id(1)] string ClosedBy,
    [property: Id(2)] DateTime ClosedAt);
