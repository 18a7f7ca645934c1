using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One event of a transaction the station names and numbers itself (OCPP 2.0.1 TransactionEvent), read and bounded
/// by the adapter: events may come late, twice or out of order (numbered by <see cref="SeqNo"/>), the token may come
/// after the start, and the start and end registers are the samples taken in the Transaction.Begin and
/// Transaction.End contexts.
/// </summary>
[GenerateSerializer]
[Alias("charge.TransactionEventReport")]
public sealed record TransactionEventReport(
    [property: Id(0)] string TransactionId,
    [property: Id(1)] TransactionEventKind Kind,
    [property: Id(2)] int SeqNo,
    [property: Id(3)] DateTime Timestamp,
    [property: Id(4)] bool Offline,
    [property: Id(5)] int? ConnectorId,
    [property: Id(6)] string? IdTag,
    [property: Id(7)] ImmutableArray<MeterReading> Readings,
    [property: Id(8)] decimal? BeginWh,
    [property: Id(9)] decimal? EndWh,
    [property: Id(10)] string? StoppedReason);
