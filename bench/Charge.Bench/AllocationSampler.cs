using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text.Json.Nodes;

namespace Charge.Bench;

/// <summary>
/// What a phase of the run allocates and what the collector cost it, in this process (server, silo and the load generator
/// together): bytes allocated, collections by generation, time paused, and the types behind the allocations from the
/// runtime's allocation ticks (one event per ~100 KB allocated, naming the type that crossed the mark: a sample, so the
/// shares are what counts, not the bytes of a type).
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEvent = 10;
    private const int GcStartEvent = 1;
    private const int RestartEndEvent = 3;
    private const int HeapStatsEvent = 4;
    private const int SuspendBeginEvent = 9;
    private const int MarkWithTypeEvent = 202;
    private static readonly string[] MarkRoots = ["stack", "finalizer queue", "handles", "older generations (cards)", "sized refs", "overflow", "dependent handles", "new finalizer queue", "steal"];

    private readonly ConcurrentDictionary<string, long> _sampledBytes = new();
    private readonly ConcurrentDictionary<string, long> _markedBytes = new();

    // Per collection: its generation (GCStart), the bytes promoted out of gen0 (GCHeapStats) and the pause from the
    // suspension's start to the restart's end. A collection's events arrive in that order.
    private readonly ConcurrentQueue<(int Generation, double PauseMs, long PromotedGen0)> _collections = new();
    private int _generation = -1;
    private DateTime _suspendedAt;
    private long _promoted;
    private volatile bool _sampling;

    private long _allocatedAtStart;
    private TimeSpan _pausedAtStart;
    private readonly int[] _collectionsAtStart = new int[3];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource)
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_sampling || e.Payload is null)
        {
            return;
        }

        switch (e.EventId)
        {
            case MarkWithTypeEvent:
                var root = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Type")]);
                var marked = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("Bytes")]);
                _markedBytes.AddOrUpdate(root < MarkRoots.Length ? MarkRoots[root] : root.ToString(), marked, (_, sum) => sum + marked);
                return;
            case SuspendBeginEvent:
                _suspendedAt = e.TimeStamp;
                return;
            case GcStartEvent:
                _generation = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Depth")]);
                return;
            case HeapStatsEvent:
                _promoted = Convert.ToInt64(e.Payload[e.PayloadNames!.IndexOf("TotalPromotedSize0")]);
                return;
            case RestartEndEvent when _generation >= 0:
                _collections.Enqueue((_generation, (e.TimeStamp - _suspendedAt).TotalMilliseconds, _promoted));
                _generation = -1;
                return;
            case not AllocationTickEvent:
                return;
        }

        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string : null;
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        _sampledBytes.AddOrUpdate(type ?? "?", amount, (_, sum) => sum + amount);
    }

    public void Start()
    {
        _sampledBytes.Clear();
        _collections.Clear();
        _markedBytes.Clear();
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
        _pausedAtStart = GC.GetTotalPauseDuration();
        for (var g = 0; g < 3; g++)
        {
            _collectionsAtStart[g] = GC.CollectionCount(g);
        }

        _sampling = true;
    }

    /// <summary>The collections since <see cref="Start"/> by generation: how many, pause mean and longest, mean promoted out of gen0.</summary>
    private IEnumerable<(int Generation, int Count, double PauseMeanMs, double PauseMaxMs, double PromotedGen0MeanKb)> ByGeneration() =>
        _collections.ToArray().GroupBy(c => c.Generation).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count(), g.Average(c => c.PauseMs), g.Max(c => c.PauseMs), g.Average(c => c.PromotedGen0) / 1024.0));

    /// <summary>One line on the collections since <see cref="Start"/>, and sampling starts over (the network run, per minute).</summary>
    public string Period(double seconds)
    {
        var paused = GC.GetTotalPauseDuration() - _pausedAtStart;
        var byGeneration = ByGeneration().Select(g => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"gen{g.Generation} {g.Count} x {g.PauseMeanMs:0.0} ms (max {g.PauseMaxMs:0.0})")).ToArray();
        Start();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"GC paused {100 * paused.TotalSeconds / seconds:0.00} % of the time: {string.Join(", ", byGeneration)}");
    }

    /// <summary>Stops sampling and reports the phase, per item (a reading, a call) where <paramref name="items"/> is given.</summary>
    public JsonObject Stop(long items, double seconds, int topTypes = 12)
    {
        _sampling = false;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - _allocatedAtStart;
        var paused = GC.GetTotalPauseDuration() - _pausedAtStart;
        var sampled = _sampledBytes.ToArray();
        var total = Math.Max(1, sampled.Sum(s => s.Value));
        var types = new JsonArray();
        foreach (var (type, bytes) in sampled.OrderByDescending(s => s.Value).Take(topTypes))
        {
            types.Add(new JsonObject { ["type"] = type, ["share_percent"] = Math.Round(100.0 * bytes / total, 1) });
        }

        var collections = new JsonArray();
        foreach (var g in ByGeneration())
        {
            collections.Add(new JsonObject
            {
                ["generation"] = g.Generation,
                ["count"] = g.Count,
                ["pause_mean_ms"] = Math.Round(g.PauseMeanMs, 2),
                ["pause_max_ms"] = Math.Round(g.PauseMaxMs, 2),
                ["promoted_from_gen0_mean_kb"] = Math.Round(g.PromotedGen0MeanKb),
            });
        }

        return new JsonObject
        {
            ["collections"] = collections,
            ["survivors_by_root_mb"] = new JsonObject(_markedBytes.OrderByDescending(m => m.Value)
                .Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Math.Round(m.Value / 1e6, 1)))),
            ["allocated_mb"] = Math.Round(allocated / 1e6, 1),
            ["allocated_bytes_per_item"] = items > 0 ? Math.Round((double)allocated / items) : null,
            ["gen0_collections"] = GC.CollectionCount(0) - _collectionsAtStart[0],
            ["gen1_collections"] = GC.CollectionCount(1) - _collectionsAtStart[1],
            ["gen2_collections"] = GC.CollectionCount(2) - _collectionsAtStart[2],
            ["gc_paused_ms"] = Math.Round(paused.TotalMilliseconds, 1),
            ["gc_paused_percent"] = Math.Round(100 * paused.TotalSeconds / seconds, 2),
            ["top_types_by_sampled_bytes"] = types,
        };
    }
}
