namespace Charge.Grains.Interfaces;

/// <summary>
/// A charger's transactions told as events (OCPP 2.0.1): the charger assembles each transaction from its events,
/// whatever their order, opens its session once it has a token the registry accepts and a start register, passes
/// its readings on, and fixes it at its end once no event is missing (or the station says none is queued). Every
/// event answered is kept: before the session opens, in the charger's record; after, in the session's log.
/// </summary>
[Alias("charge.IChargerTransactions")]
public interface IChargerTransactions : IGrainWithStringKey
{
    [Alias("TransactionEvent")]
    Task<TransactionEventOutcome> TransactionEvent(TransactionEventReport report);

    /// <summary>
    /// Meter values outside any transaction (a connector between sessions, clock-aligned samples): the newest is
    /// kept as the connector's meter and shown with it, never counted as any session's energy.
    /// </summary>
    [Alias("ReportIdleMeter")]
    Task ReportIdleMeter(int connectorId, System.Collections.Immutable.ImmutableArray<MeterReading> readings);

    /// <summary>The station says no event of the transaction is still queued: it is fixed with what arrived.</summary>
    [Alias("TransactionQueueEmpty")]
    Task<SessionView?> TransactionQueueEmpty(string transactionId);
}
