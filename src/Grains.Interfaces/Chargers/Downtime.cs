using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A period a charger was offline or faulted; an open one has no end yet.</summary>
[GenerateSerializer]
[Alias("charge.Downtime")]
public sealed record Downtime(
    [property: Id(0)] DowntimeKind Kind,
    [property: Id(1)] DateTime Start,
    [property: Id(2)] DateTime? End);
