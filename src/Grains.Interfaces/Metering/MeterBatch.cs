using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A batch of readings a charger grain publishes on the session's stream. Delivery can repeat, so the
/// consumer stays idempotent on (timestamp, register); the sequence lets a stop wait for batches in flight.
/// <see cref="LogPosition"/> is the batch's place in the session's durable reading log (1, 2, 3, …; 0 when
/// acknowledgements are write-behind): a consumer that sees a gap reads the missing batches from the log.
/// </summary>
[GenerateSerializer]
[Alias("charge.MeterBatch")]
public sealed record MeterBatch(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] ImmutableArray<MeterReading> Readings,
    [property: Id(4)] long LogPosition = 0);
