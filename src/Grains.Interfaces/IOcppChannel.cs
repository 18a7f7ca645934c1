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
}
