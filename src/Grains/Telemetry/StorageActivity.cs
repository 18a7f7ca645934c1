using System.Diagnostics;

namespace Charge.Grains.Telemetry;

/// <summary>
/// What this process's storage calls did lately: when one last succeeded and when one last failed as an outage, and
/// how many are in flight. Tells a store that is down from a store that is busy: the health check's probe times out
/// in both, but only a busy store keeps answering the silo's own calls.
/// </summary>
public static class StorageActivity
{
    private static long _lastSuccess;
    private static long _lastOutage;
    private static long _inFlight;

    public static long InFlight => Interlocked.Read(ref _inFlight);

    public static void Started() => Interlocked.Increment(ref _inFlight);

    public static void Succeeded()
    {
        Interlocked.Decrement(ref _inFlight);
        Volatile.Write(ref _lastSuccess, Stopwatch.GetTimestamp());
    }

    public static void Failed(bool outage)
    {
        Interlocked.Decrement(ref _inFlight);
        if (outage)
        {
            Volatile.Write(ref _lastOutage, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>How long ago a storage call last succeeded, and last failed as an outage (null: never).</summary>
    public static (TimeSpan? SinceSuccess, TimeSpan? SinceOutage) Recent() =>
        (Since(Volatile.Read(ref _lastSuccess)), Since(Volatile.Read(ref _lastOutage)));

    private static TimeSpan? Since(long timestamp) => timestamp == 0 ? null : Stopwatch.GetElapsedTime(timestamp);
}
