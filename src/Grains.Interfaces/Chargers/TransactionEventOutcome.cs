namespace Charge.Grains.Interfaces;

/// <summary>
/// What a transaction event led to: the session when the event opened or ended it (none yet while the
/// transaction waits for its token or its start; none ever for a refused token; not read for other events), how the event's token stands (null when it named none), and whether
/// the transaction ended with events still missing by their numbers, so the station is to be asked whether more
/// are queued (OCPP 2.0.1 GetTransactionStatus) before the record is fixed.
/// </summary>
[GenerateSerializer]
[Alias("charge.TransactionEventOutcome")]
public sealed record TransactionEventOutcome(
    [property: Id(0)] SessionView? Session,
    [property: Id(1)] TokenAuthorization? Authorization,
    [property: Id(2)] bool AwaitingEvents);
