namespace Charge.Grains.Interfaces;

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
