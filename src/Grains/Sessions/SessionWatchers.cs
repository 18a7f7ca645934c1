using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Charge.Grains.Sessions;

/// <summary>The apps watching a session; created with the first watcher, since most sessions are never watched.</summary>
internal sealed class SessionWatchers(TimeSpan expiry, ILogger logger)
{
    private ObserverManager<ISessionWatcher>? _watchers;
    private TaskCompletionSource? _completion;

    public void Add(ISessionWatcher watcher)
    {
        _watchers ??= new ObserverManager<ISessionWatcher>(expiry, logger);
        _watchers.Subscribe(watcher, watcher);
    }

    public void Remove(ISessionWatcher watcher) => _watchers?.Unsubscribe(watcher);

    /// <summary>Sends the view to every watcher without waiting; the view is built only when someone watches.</summary>
    public void Tell(Func<SessionView> view)
    {
        if (_watchers is { Count: > 0 })
        {
            var current = view();
            _ = _watchers.Notify(w => w.OnSessionChanged(current));
        }
    }

    /// <summary>Waits until <see cref="Completed"/> or the timeout, whichever comes first (callers of WaitForCompletion).</summary>
    public async Task WaitForCompletion(TimeSpan timeout)
    {
        _completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _completion.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // The caller gets the view as it is then and may ask again.
        }
    }

    /// <summary>The session completed: those waiting are released.</summary>
    public void Completed() => _completion?.TrySetResult();
}
