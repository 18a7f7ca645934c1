using Microsoft.Extensions.DependencyInjection;

namespace Charge.Grains.Sessions;

/// <summary>
/// Write-behind acknowledgement (<c>Acknowledge=WriteBehind</c>): a session's readings are written at most once per
/// interval while they arrive, by a timer for the last ones, and on a graceful deactivation.
/// </summary>
internal sealed class WriteBehind(TimeSpan interval, Func<Task> persist, IGrainContext grain) : IDisposable
{
    private IGrainTimer? _flush;
    private bool _unwritten;
    private long _lastWrite;

    /// <summary>Writes now if the last write is older than the interval, else leaves it to the flush timer.</summary>
    public async Task Changed()
    {
        if (interval == TimeSpan.Zero || Environment.TickCount64 - _lastWrite >= (long)interval.TotalMilliseconds)
        {
            await Flush();
            return;
        }

        _unwritten = true;
        _flush ??= grain.ActivationServices.GetRequiredService<Orleans.Timers.ITimerRegistry>().RegisterGrainTimer(
            grain, (_, _) => _unwritten ? Flush() : Task.CompletedTask, (object?)null, new GrainTimerCreationOptions(interval, interval));
    }

    /// <summary>Writes what is still unwritten (a graceful deactivation).</summary>
    public Task FlushPending() => _unwritten ? Flush() : Task.CompletedTask;

    private async Task Flush()
    {
        _unwritten = false;
        _lastWrite = Environment.TickCount64;
        await persist();
    }

    public void Dispose() => _flush?.Dispose();
}
