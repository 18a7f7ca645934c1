using Charge.Grains.Storage;
using Orleans.Storage;

namespace Charge.Silo.Storage;

/// <summary>
/// Skips the storage read of a grain this silo is creating (<see cref="NewGrains"/>): its state stays as created, with
/// no record and no ETag, so its first write is If-None-Match and cannot overwrite a record that exists after all.
/// Every other read, and every write, goes to storage.
/// </summary>
public sealed class NewGrainReads(IGrainStorage inner, NewGrains newGrains) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!newGrains.IsNew(grainId))
        {
            return inner.ReadStateAsync(stateName, grainId, grainState);
        }

        grainState.State ??= Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
