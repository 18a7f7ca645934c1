using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains;

/// <summary>The one way a grain calls storage on a request's path: the call is applied whole, or the caller hears Unavailable.</summary>
public static partial class DurableWrite
{
    /// <summary>
    /// Writes the state. If storage fails, the activation is dropped so its unwritten changes go with it (the next
    /// call reloads what storage has), and the caller gets Unavailable.
    /// </summary>
    public static async Task WriteOrUnavailable<T>(this IPersistentState<T> state, IGrainContext grain, Action<Exception> log)
    {
        try
        {
            // Timed and counted by the storage provider's decorator (every grain state write goes through it).
            await state.WriteStateAsync();
        }
        catch (Exception e) when (IsOutage(e))
        {
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "storage write failed"));
            log(e);
            throw ChargeException.Unavailable("storage is unavailable: the request was not applied; retry");
        }
        catch (Orleans.Storage.InconsistentStateException e)
        {
            // The stored record is not the one this activation read: another writer, or a record where this activation
            // took none to exist (a transaction ID reused after a crash; a retry of a write that had in fact succeeded
            // is told apart in the silo). The grain is deactivated and the caller retries against a new activation that
            // reads the stored record; a retried request is idempotent.
            // (Orleans deactivates on the exception itself only when it leaves the grain; wrapped, it is done here.)
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "storage write conflicted"));
            log(e);
            throw ChargeException.Unavailable("storage reported a conflicting write: retry");
        }
    }

    /// <summary>
    /// <see cref="WriteOrUnavailable{T}(IPersistentState{T}, IGrainContext, Action{Exception})"/> for a grain that logs
    /// nothing of its own: the failure is logged under this class with the grain's ID. Every grain's write on a
    /// request's path goes through one of the two, so no grain answers a retry from memory it failed to store.
    /// </summary>
    public static Task WriteOrUnavailable<T>(this IPersistentState<T> state, IGrainContext grain) =>
        state.WriteOrUnavailable(grain, e => LogFailed(Logger(grain), e, grain.GrainId.ToString()));

    private static ILogger Logger(IGrainContext grain) =>
        grain.ActivationServices.GetService(typeof(ILoggerFactory)) is ILoggerFactory factory
            ? factory.CreateLogger(typeof(DurableWrite).FullName!)
            : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain {GrainId}: state not written; the activation is dropped and the caller told to retry")]
    private static partial void LogFailed(ILogger logger, Exception e, string grainId);

    /// <summary>Another storage call (a log append or read, a reminder): its failure is Unavailable with <paramref name="message"/>.</summary>
    public static async Task<T> OrUnavailable<T>(Func<Task<T>> call, Action<Exception> log, string message, string store = "other")
    {
        try
        {
            return await Telemetry.GrainMetrics.Stored(store, call, IsOutage);
        }
        catch (Exception e) when (IsOutage(e))
        {
            log(e);
            throw ChargeException.Unavailable(message);
        }
    }

    /// <summary>
    /// What storage being unreachable looks like, as opposed to a domain refusal, a concurrency conflict (Orleans
    /// deactivates the grain for it) or a misconfiguration (an argument out of range, e.g. a reminder period).
    /// </summary>
    public static bool IsOutage(Exception e) =>
        e is not ChargeException and not Orleans.Storage.InconsistentStateException and not ArgumentException;
}
