using Charge.Gateway.Hosting;
using Charge.Grains.Interfaces;
using Charge.Tests;

namespace Charge.Grains.Tests;

/// <summary>The one shape every gateway observer (OCPP socket, command stream, WatchSession) is kept registered by.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ObserverSubscriptionTests(ClusterFixture fixture)
{
    private sealed class Watcher : ISessionWatcher
    {
        public Task OnSessionChanged(SessionView view) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_subscription_renews_on_after_a_failed_renewal_and_on_dispose_stops_and_detaches_once()
    {
        var renewals = 0;
        var detached = new List<ISessionWatcher>();
        ISessionWatcher reference;
        await using (var subscription = ObserverSubscription<ISessionWatcher>.Create(fixture.Grains, new Watcher(),
                         _ => Interlocked.Increment(ref renewals) == 2 ? throw new InvalidOperationException("silo failing over") : Task.CompletedTask,
                         r => { detached.Add(r); return Task.CompletedTask; }))
        {
            reference = subscription.Reference;
            subscription.StartRenewing(TimeSpan.FromMilliseconds(50), TimeProvider.System, retry: TimeSpan.FromMilliseconds(10));
            await Eventually.Until(() => Volatile.Read(ref renewals) >= 4);
        }

        var atDispose = Volatile.Read(ref renewals);
        await Task.Delay(300);

        Assert.Equal(atDispose, Volatile.Read(ref renewals));
        Assert.Equal([reference], detached);
    }
}
