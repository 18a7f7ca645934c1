using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Stop a session with the final register.</summary>
[GenerateSerializer]
[Alias("charge.StopSession")]
public sealed record StopSessionCommand(
    [property: Id(0)] string SessionId,
    [property: Id(1)] decimal MeterStopWh,
    [property: Id(2)] DateTime Timestamp,
    [property: Id(3)] string Reason,
    [property: Id(4)] ImmutableArray<string> DroppedSamples = default);
