using System.Collections.Concurrent;

namespace Charge.Grains.Storage;

/// <summary>
/// Grains this silo is creating, whose state is not in storage yet: the session of an OCPP transaction ID its charger
/// has just allocated. Their activation's read of storage is skipped (<c>NewGrainReads</c> in the silo), which would
/// find nothing and is a round trip before a start can be written. A grain is new only while its creating call runs,
/// so a later activation of it always reads. Safe if wrong (a transaction ID reused after a crash): a state read as
/// absent is first written on If-None-Match, which fails when a record exists after all, and the grain reloads.
/// </summary>
public sealed class NewGrains
{
    private readonly ConcurrentDictionary<GrainId, int> _creating = new();

    /// <summary>Marks the grain as new until the returned scope ends.</summary>
    public IDisposable Creating(GrainId grain)
    {
        _creating.AddOrUpdate(grain, 1, (_, n) => n + 1);
        return new Scope(this, grain);
    }

    public bool IsNew(GrainId grain) => _creating.ContainsKey(grain);

    /// <summary>How many grains are marked now (none outside a creating call).</summary>
    public int Count => _creating.Count;

    private void End(GrainId grain)
    {
        while (_creating.TryGetValue(grain, out var n))
        {
            if (n <= 1 ? _creating.TryRemove(new KeyValuePair<GrainId, int>(grain, n)) : _creating.TryUpdate(grain, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Scope(NewGrains owner, GrainId grain) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                owner.End(grain);
            }
        }
    }
}
