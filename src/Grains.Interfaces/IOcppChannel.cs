namespace Charge.Grains.Interfaces;

/// <summary>
/// A charge point's live OCPP connection, held by whichever gateway it is connected to. The charger grain keeps
/// a reference so that a command from any gateway reaches the right socket.
/// </summary>
[Alias("charge.IOcppChannel")]
public interface IOcppChannel : IGrainObserver
{
    /// <summary>Sends a CALL and returns the CALLRESULT payload (JSON); a CALLERROR raises a FailedPrecondition.</summary>
    [Alias("Call")]
    Task<string> Call(string action, string payloadJson);

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

/// <summary>A local authorization list update (OCPP 1.6 SendLocalList): Full replaces the list, Differential changes it.</summary>
[GenerateSerializer]
[Alias("charge.LocalListUpdate")]
public sealed record LocalListUpdate(
    [property: Id(0)] int ListVersion,
    [property: Id(1)] bool Full,
    [property: Id(2)] System.Collections.Immutable.ImmutableArray<LocalListEntry> Entries);

/// <summary>One id_tag of a local list; no info removes it from the charger's list (a differential update).</summary>
[GenerateSerializer]
[Alias("charge.LocalListEntry")]
public sealed record LocalListEntry(
    [property: Id(0)] string IdTag,
    [property: Id(1)] TokenAuthorization? Info);

/// <summary>
/// A gRPC station's command channel: the station keeps a server stream open (StationService.ReceiveCommands) and
/// the gateway serving it registers this observer with the charger grain, renewing it while the stream is open.
/// </summary>
[Alias("charge.IStationCommandChannel")]
public interface IStationCommandChannel : IGrainObserver
{
    /// <summary>Queues the command on the open stream; false when the stream has closed.</summary>
    [Alias("Deliver")]
    Task<bool> Deliver(StationCommand command);

    /// <summary>The credential the stream was opened with no longer holds: the gateway ends it (Unauthenticated, with <paramref name="reason"/>).</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("Revoked")]
    Task Revoked(string reason);
}

/// <summary>A command to a station: stop a session (later: start one, limit power).</summary>
[GenerateSerializer]
[Alias("charge.StationCommand")]
public sealed record StationCommand(
    [property: Id(0)] string CommandId,
    [property: Id(1)] StationCommandKind Kind,
    [property: Id(2)] string SessionId,
    [property: Id(3)] int ConnectorId,
    [property: Id(4)] string RequestedBy,
    [property: Id(5)] double? LimitW = null);

public enum StationCommandKind
{
    RemoteStop = 1,

    /// <summary>Draw at most <see cref="StationCommand.LimitW"/> for the session from now on (load balancing); no limit: the limit is lifted.</summary>
    SetLimit = 2,
}

/// <summary>How a request to stop reached the charger: the session ends when the charger sends its own stop.</summary>
[GenerateSerializer]
[Alias("charge.StopRequestResult")]
public sealed record StopRequestResult(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Status,
    [property: Id(2)] SessionView Session);
