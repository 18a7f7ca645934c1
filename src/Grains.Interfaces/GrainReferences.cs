using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Charge.Grains.Interfaces;

/// <summary>
/// Grain references kept by key, for the calls made once per reading. Orleans builds every reference anew: it reads the
/// interface's attributes and resolves each codec of the proxy from the container, a noticeable share of the CPU of
/// a reading (docs/benchmarks.md). A reference names a grain, not an activation, so one per key serves
/// every call on every silo; past <see cref="Capacity"/> keys of one interface the set starts over.
/// </summary>
public static class GrainReferences
{
    public const int Capacity = 65_536;

    /// <summary>The same as <c>GetGrain&lt;T&gt;(key)</c>, built once per key and factory.</summary>
    public static T Reference<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey =>
        Kept<T>.Of(grains).Get(grains, key);

    private sealed class Kept<T> where T : IGrainWithStringKey
    {
        // Per factory: a process may hold several clusters' clients (the tests do).
        private static readonly ConditionalWeakTable<IGrainFactory, Kept<T>> ByFactory = new();

        private readonly ConcurrentDictionary<string, T> _byKey = new(StringComparer.Ordinal);
        private int _count;

        public static Kept<T> Of(IGrainFactory grains) => ByFactory.GetOrCreateValue(grains);

        public T Get(IGrainFactory grains, string key)
        {
            if (_byKey.TryGetValue(key, out var grain))
            {
                return grain;
            }

            if (Interlocked.Increment(ref _count) > Capacity)
            {
                _byKey.Clear();
                Interlocked.Exchange(ref _count, 1);
            }

            return _byKey.GetOrAdd(key, grains.GetGrain<T>(key));
        }
    }
}
