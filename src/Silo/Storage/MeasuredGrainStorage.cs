using Charge.Grains;
using Charge.Grains.Telemetry;
using Orleans.Storage;

namespace Charge.Silo.Storage;

/// <summary>
/// Wraps the grains' storage provider so that every state write and clear is timed and counted (by state name:
/// charger, session, settlement, …) and every failed call counted, whichever grain makes it; a span per call when
/// traces are on.
/// </summary>
public sealed class MeasuredGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GrainMetrics.Read(stateName, () => inner.ReadStateAsync(stateName, grainId, grainState), DurableWrite.IsOutage);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GrainMetrics.Stored(stateName, () => inner.WriteStateAsync(stateName, grainId, grainState), DurableWrite.IsOutage);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GrainMetrics.Stored(stateName, () => inner.ClearStateAsync(stateName, grainId, grainState), DurableWrite.IsOutage);

    /// <summary>The provider initializes with the silo (container creation and the like), as it would unwrapped.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    /// <summary>Replaces the registration of the storage named <paramref name="name"/> with itself around it.</summary>
    public static void Decorate(IServiceCollection services, string name) => Wrap(services, name, inner => new MeasuredGrainStorage(inner));

    /// <summary>Replaces the registration of the storage named <paramref name="name"/> with <paramref name="wrap"/> around it.</summary>
    public static void Wrap(IServiceCollection services, string name, Func<IGrainStorage, IGrainStorage> wrap) =>
        Wrap(services, name, (_, inner) => wrap(inner));

    /// <summary>The same, for a wrapper that needs services of the silo.</summary>
    public static void Wrap(IServiceCollection services, string name, Func<IServiceProvider, IGrainStorage, IGrainStorage> wrap)
    {
        var original = services.Last(s => s.ServiceType == typeof(IGrainStorage) && s.IsKeyedService && Equals(s.ServiceKey, name));
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => wrap(sp,
            original.KeyedImplementationFactory is { } factory ? (IGrainStorage)factory(sp, key)
            : original.KeyedImplementationInstance as IGrainStorage
              ?? (IGrainStorage)ActivatorUtilities.CreateInstance(sp, original.KeyedImplementationType!)));
    }
}
