using Grpc.Core;

namespace Charge.Simulator;

/// <summary>
/// A call a real charger keeps making until the central system takes it: through a restart of the system (the gateway
/// unreachable, draining or the cluster not ready) it waits and sends the same message again, however long that takes,
/// until the operator stops the simulator. Every message is idempotent: the session is named, readings carry their time.
/// </summary>
public static class Retry
{
    /// <summary>What a restart looks like from outside: the call did not reach a serving system or was cut off.</summary>
    public static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Aborted
            or StatusCode.ResourceExhausted or StatusCode.Cancelled or StatusCode.Unknown;

    public static async Task<T> Persistently<T>(Func<Task<T>> call, string who, TextWriter log, CancellationToken cancellation)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (cancellation.IsCancellationRequested)
            {
                // Ctrl-C: the call was cut off by our own cancellation, not by the system.
                throw new OperationCanceledException("stopped", e, cancellation);
            }
            catch (RpcException e) when (IsTransient(e))
            {
                log.WriteLine($"{who}: the central system is not reachable ({e.StatusCode}); retrying in {wait.TotalSeconds:0} s");
                await Task.Delay(wait, cancellation);
                wait = TimeSpan.FromSeconds(Math.Min(10, wait.TotalSeconds * 2));
            }
        }
    }

    public static Task Persistently(Func<Task> call, string who, TextWriter log, CancellationToken cancellation) =>
        Persistently(async () =>
        {
            await call();
            return true;
        }, who, log, cancellation);
}
