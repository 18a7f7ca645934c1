using BenchmarkDotNet.Attributes;
using Charge.Grains.Sites;

namespace Charge.Bench;

/// <summary>
/// Load balancing's target: re-allocating one site's limit among 1,000 sessions (mixed demands, minima and
/// priorities, a few that cannot be limited), what the site grain does at every start, stop or draw change.
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    private List<PowerClaim> _claims = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(16);
        _claims = [.. Enumerable.Range(0, 1000).Select(i => new PowerClaim(
            $"session-{i}",
            DemandW: random.NextDouble() < 0.3 ? 2_000 + random.NextDouble() * 9_000 : 22_000,
            MinW: i % 5 == 0 ? 6 * 230 : 6 * 230 * 3,
            Priority: i % 10 == 0 ? 1 : 0,
            Controllable: i % 50 != 0))];
    }

    [Benchmark]
    public int Reallocate1000() => LoadAllocator.Allocate(5_000_000, _claims).Count;
}
