namespace Charge.Gateway.Hosting;

/// <summary>
/// An observer a grain calls back for as long as a connection lasts: an OCPP socket, a station's command stream, a
/// WatchSession call. The gateway creates the object reference, the caller attaches it once (each with its own answer
/// to a first failure), this renews it every period (a registration expires, and a grain reactivated on another silo
/// knows no one until the next renewal; a failed renewal waits for the next tick), and disposing stops the renewal,
/// detaches it (best effort: an unrenewed registration expires by itself) and deletes the reference.
/// </summary>
public sealed class ObserverSubscription<TObserver> : IAsyncDisposable
    where TObserver : class, IGrainObserver
{
    private readonly IGrainFactory _grains;
    private readonly TObserver _observer;
    private readonly Func<TObserver, Task> _renew;
    private readonly Func<TObserver, Task> _detach;
    private readonly CancellationTokenSource _stop = new();
    private Task _renewing = Task.CompletedTask;

    private ObserverSubscription(IGrainFactory grains, TObserver observer, Func<TObserver, Task> renew, Func<TObserver, Task> detach)
    {
        _grains = grains;
        _observer = observer;
        _renew = renew;
        _detach = detach;
        Reference = grains.CreateObjectReference<TObserver>(observer);
    }

    /// <summary>What the grain holds and calls: the object reference of the observer.</summary>
    public TObserver Reference { get; }

    /// <param name="renew">Attaches (again): called every <c>period</c> once <see cref="StartRenewing"/> is.</param>
    /// <param name="detach">Called once on dispose.</param>
    public static ObserverSubscription<TObserver> Create(IGrainFactory grains, TObserver observer, Func<TObserver, Task> renew, Func<TObserver, Task> detach) =>
        new(grains, observer, renew, detach);

    /// <summary>
    /// Renews the registration every <paramref name="period"/> until disposed; after a failed renewal, again after
    /// <paramref name="retry"/> (the period when not given).
    /// </summary>
    public void StartRenewing(TimeSpan period, TimeProvider time, TimeSpan? retry = null) => _renewing = Renew(period, retry ?? period, time);

    private async Task Renew(TimeSpan period, TimeSpan retry, TimeProvider time)
    {
        var wait = period;
        try
        {
            while (true)
            {
                await Task.Delay(wait, time, _stop.Token);
                try
                {
                    await _renew(Reference);
                    wait = period;
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // The cluster may be failing over: try again soon.
                    wait = retry;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        try
        {
            await _detach(Reference);
        }
        catch (Exception)
        {
            // Best effort: a registration that is not renewed expires, and a stale one fails its next call.
        }

        _grains.DeleteObjectReference<TObserver>(Reference);
        _stop.Dispose();
        GC.KeepAlive(_observer);
    }
}
