namespace Charge.Grains.Interfaces;

/// <summary>
/// A charge point's live OCPP connection, held by whichever gateway it is connected to. The charger grain keeps
/// a reference so that a command from any gateway reaches the right socket.
/// </summary>
[Alias("charge.IOcppChannel")]
public interface IOcppChannel : IGrainObserver
{
    /// <summary>Sends an operator's command in the connection's OCPP version; the charger's status. A CALLERROR raises a FailedPrecondition.</summary>
    [Alias("Operate")]
    Task<string> Operate(OperatorCommand command);

    /// <summary>Sends a station command as its OCPP 1.6 CALL (RemoteStop: RemoteStopTransaction) and returns the charger's status.</summary>
    [Alias("Deliver")]
    Task<string> Deliver(StationCommand command);

    /// <summary>
    /// Limits a running transaction (OCPP 1.6 SetChargingProfile, TxProfile). One-way: the gateway sends the CALL and
    /// tells the charger grain the answer (<see cref="IChargerGrain.LimitAnswered"/>), so no grain waits on a charger.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [Alias("Limit")]
    Task Limit(StationCommand command);

    /// <summary>
    /// Sets what every new transaction may draw until its own limit arrives (OCPP 1.6 TxDefaultProfile on connector
    /// 0), or clears it (null). One-way: a charger without smart charging is logged and left alone.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [Alias("DefaultLimit")]
    Task DefaultLimit(double? limitW);

    /// <summary>
    /// The credential this socket was opened with no longer holds (the operator rotated the secret, or decommissioned
    /// the charger): the gateway closes it (1008 policy violation, with <paramref name="reason"/>).
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [Alias("Revoked")]
    Task Revoked(string reason);
}
