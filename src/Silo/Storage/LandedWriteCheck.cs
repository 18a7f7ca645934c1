using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Charge.Silo.Storage;

/// <summary>
/// Tells a conflict that is not one from a real conflict. The blob provider writes on a condition (If-Match the ETag it
/// read, If-None-Match for a first write). When a try's answer is lost (a network timeout, a dropped connection) the
/// storage client tries again; if the first try was stored, the retry's condition fails and the provider reports
/// <see cref="InconsistentStateException"/> for a write that is in storage. The caller would be told "unavailable"
/// for state that was applied, and the grain would drop its activation and read it back. On such a conflict this
/// reads the stored state once: if it is the state this write carried (the same bytes through the provider's
/// serializer), the write succeeded and takes the stored ETag. Anything else (another writer's state, no record, a
/// failed read) is a conflict as before. Clears are passed through: no grain here clears its state.
/// </summary>
public sealed partial class LandedWriteCheck(IGrainStorage inner, Func<IGrainStorageSerializer> serializer, ILogger<LandedWriteCheck> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (InconsistentStateException)
        {
            if (!await StoredAlready(stateName, grainId, grainState))
            {
                throw;
            }
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task<bool> StoredAlready<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = new GrainState<T>();
        try
        {
            await inner.ReadStateAsync(stateName, grainId, stored);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Unknown whether the write landed: the conflict stands, and the caller retries.
            LogNotChecked(e, stateName, grainId);
            return false;
        }

        if (!stored.RecordExists || stored.State is null || grainState.State is null)
        {
            return false;
        }

        var format = serializer();
        if (!format.Serialize(stored.State).ToMemory().Span.SequenceEqual(format.Serialize(grainState.State).ToMemory().Span))
        {
            return false;
        }

        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
        LogLanded(stateName, grainId);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "A retried write of {StateName} for {GrainId} met its own first try: the state is stored, the write succeeded")]
    private partial void LogLanded(string stateName, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A write of {StateName} for {GrainId} conflicted and the stored state could not be read to tell whether it was its own")]
    private partial void LogNotChecked(Exception exception, string stateName, GrainId grainId);
}
