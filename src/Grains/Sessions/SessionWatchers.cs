using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Charge.Grains.Sessions;

/// <summary>The apps watching a session; created with the first watcher, since most sessions are never watched.</summary>
internal sealed class SessionWatchers(TimeSpan expiry, ILogger logger)
{
    private ObserverManager<ISessionWatcher>? _watchers;

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
}
