namespace Charge.Grains.Interfaces;

/// <summary>What a transaction event says happened (OCPP 2.0.1 TransactionEvent eventType).</summary>
public enum TransactionEventKind
{
    Started = 0,
    Updated = 1,
    Ended = 2,
}
