using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Charge.Grains.Interfaces;

/// <summary>Receives a session's view after every change.</summary>
[Alias("charge.ISessionWatcher")]
public interface ISessionWatcher : IGrainObserver
{
    [OneWay]
    [Alias("OnSessionChanged")]
    Task OnSessionChanged(SessionView view);
}
