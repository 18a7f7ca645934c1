using Charge.Grains.Interfaces;

namespace Charge.Grains;

/// <summary>The one way a grain writes state on a request's path: whole, or not at all.</summary>
public static class DurableWrite
{
    /// <summary>
    /// Writes the state. If storage fails, the activation is dropped so its unwritten changes go with it (the next
    /// call reloads what storage has), and the caller gets Unavailable. A concurrency conflict passes through:
    /// Orleans deactivates the grain for it.
    /// </summary>
    public static async Task WriteOrUnavailable<T>(this IPersistentState<T> state, IGrainContext grain, Action<Exception> log)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not ChargeException and not Orleans.Storage.InconsistentStateException)
        {
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "storage write failed"));
            log(e);
            throw ChargeException.Unavailable("storage is unavailable: the request was not applied; retry");
        }
    }
}
