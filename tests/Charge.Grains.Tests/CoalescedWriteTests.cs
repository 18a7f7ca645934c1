using Charge.Grains.Chargers;
using Charge.Grains.Interfaces;
using Charge.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Charge.Grains.Tests;

/// <summary>Group commit inside a grain: callers share writes, and each is answered only by a write that holds its change.</summary>
public sealed class CoalescedWriteTests
{
    /// <summary>A write that waits for the test to finish it, and remembers what the state was when it began.</summary>
    private sealed class GatedWrites
    {
        public List<TaskCompletionSource> Started { get; } = [];

        public List<int> StateAtStart { get; } = [];

        public int State { get; set; }

        public Task Write()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Started.Add(gate);
            StateAtStart.Add(State);
            return gate.Task;
        }
    }

    [Fact]
    public async Task Callers_arriving_while_a_write_is_in_flight_share_the_next_write_and_wait_for_it()
    {
        var writes = new GatedWrites();
        var coalesced = new CoalescedWrite(writes.Write);

        writes.State = 1;
        var first = coalesced.WriteAsync();
        var later = Enumerable.Range(2, 4).Select(i =>
        {
            writes.State = i;
            return coalesced.WriteAsync();
        }).ToArray();

        Assert.Single(writes.Started);
        Assert.All(later, t => Assert.Same(later[0], t));
        writes.Started[0].SetResult();
        await first;
        Assert.False(later[0].IsCompleted);

        await Eventually.Until(() => writes.Started.Count == 2);
        writes.Started[1].SetResult();
        await later[0];

        Assert.Equal([1, 5], writes.StateAtStart);
    }

    [Fact]
    public async Task A_failed_write_fails_only_its_own_callers_and_the_next_write_still_runs()
    {
        var writes = new GatedWrites();
        var coalesced = new CoalescedWrite(writes.Write);

        var first = coalesced.WriteAsync();
        var second = coalesced.WriteAsync();
        writes.Started[0].SetException(new IOException("storage down"));

        await Assert.ThrowsAsync<IOException>(() => first);
        await Eventually.Until(() => writes.Started.Count == 2);
        writes.Started[1].SetResult();
        await second;
        Assert.Equal(2, writes.Started.Count);
    }

    [Fact]
    public async Task A_retry_after_a_failed_write_waits_for_a_write_and_one_after_a_stored_change_does_not()
    {
        var writes = new GatedWrites();
        var coalesced = new CoalescedWrite(writes.Write);

        var failed = coalesced.WriteAsync();
        writes.Started[0].SetException(new IOException("storage down"));
        await Assert.ThrowsAsync<IOException>(() => failed);
        var retry = coalesced.StoredAsync();

        Assert.Equal(2, writes.Started.Count);
        Assert.False(retry.IsCompleted);
        writes.Started[1].SetResult();
        await retry;
        Assert.True(coalesced.StoredAsync().IsCompleted);
        Assert.Equal(2, writes.Started.Count);
    }

    [Fact]
    public async Task A_caller_after_the_writes_ended_starts_a_write_of_its_own()
    {
        var writes = new GatedWrites();
        var coalesced = new CoalescedWrite(writes.Write);

        var first = coalesced.WriteAsync();
        writes.Started[0].SetResult();
        await first;
        var again = coalesced.WriteAsync();

        Assert.Equal(2, writes.Started.Count);
        Assert.NotSame(first, again);
        writes.Started[1].SetResult();
        await again;
    }
}

/// <summary>An id_tag's index under starts on many chargers at once, and after a failed write: every answered add is in the stored record.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdTagIndexTests(ClusterFixture fixture)
{
    private IGrainStorage Storage =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Charge);

    [Fact]
    public async Task Concurrent_starts_of_one_tag_are_all_in_its_stored_index_when_they_are_answered()
    {
        var idTag = $"FLEET-{Guid.NewGuid():N}"[..20];
        var at = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
        var references = Enumerable.Range(0, 40)
            .Select(i => new SessionRef($"{idTag}-s{i}", $"CP-{i}", idTag, at.AddSeconds(i)))
            .ToArray();
        var index = fixture.Grains.GetGrain<IIdTagGrain>(idTag);

        await Task.WhenAll(references.Select(r => index.AddSession(r)));

        var stored = new GrainState<IdTagState>(new IdTagState());
        await Storage.ReadStateAsync("idtag", index.GetGrainId(), stored);
        Assert.Equal(references.Select(r => r.SessionId).Order(), stored.State!.Sessions.Select(s => s.SessionId).Order());
        Assert.Equal(40, (await index.ListSessions(DateTime.MinValue, DateTime.MaxValue, 100)).Length);
    }

    [Fact]
    public async Task A_start_retried_after_its_index_write_failed_is_answered_once_the_index_holds_it()
    {
        var idTag = $"RETRY-{Guid.NewGuid():N}"[..20];
        var reference = new SessionRef($"{idTag}-s1", "CP-1", idTag, new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc));
        var index = fixture.Grains.GetGrain<IIdTagGrain>(idTag);
        FaultInjectedStorage.FailNextWrites(index.GetGrainId(), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => index.AddSession(reference));
        await index.AddSession(reference);

        var stored = new GrainState<IdTagState>(new IdTagState());
        await Storage.ReadStateAsync("idtag", index.GetGrainId(), stored);
        Assert.Equal([reference.SessionId], stored.State!.Sessions.Select(s => s.SessionId));
    }
}
