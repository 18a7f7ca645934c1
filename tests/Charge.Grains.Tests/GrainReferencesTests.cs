using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

/// <summary>Kept grain references name the grain GetGrain names, per factory, and a full set starts over.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_kept_reference_is_built_once_and_names_the_grain_GetGrain_names()
    {
        var sessionId = $"REF-{Guid.NewGuid():N}";

        var first = Grains.Reference<ISessionGrain>(sessionId);
        var again = Grains.Reference<ISessionGrain>(sessionId);

        Assert.Same(first, again);
        Assert.Equal(Grains.GetGrain<ISessionGrain>(sessionId).GetGrainId(), first.GetGrainId());
        Assert.Equal(SessionStatus.None, (await first.GetView()).Status);
    }

    [Fact]
    public void Keys_that_differ_only_in_case_are_different_grains()
    {
        var key = $"ref-{Guid.NewGuid():N}";

        Assert.NotEqual(Grains.Reference<ISessionGrain>(key).GetGrainId(), Grains.Reference<ISessionGrain>(key.ToUpperInvariant()).GetGrainId());
    }

    [Fact]
    public void Past_its_capacity_the_set_starts_over_and_every_reference_still_names_its_grain()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var kept = Grains.Reference<IIdTagGrain>($"{run}-0");

        for (var i = 1; i <= GrainReferences.Capacity; i++)
        {
            Grains.Reference<IIdTagGrain>($"{run}-{i}");
        }

        var rebuilt = Grains.Reference<IIdTagGrain>($"{run}-0");
        Assert.NotSame(kept, rebuilt);
        Assert.Equal(kept.GetGrainId(), rebuilt.GetGrainId());
        Assert.Equal(Grains.GetGrain<IIdTagGrain>($"{run}-7").GetGrainId(), Grains.Reference<IIdTagGrain>($"{run}-7").GetGrainId());
    }
}
