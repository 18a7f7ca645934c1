using Azure.Core;
using Azure.Core.Pipeline;

namespace Charge.Silo.Storage;

/// <summary>
/// At most a fixed number of storage requests in flight from this silo; the others wait here. Placed per retry, the
/// wait comes before a try's network timeout starts (Azure.Core applies it closer to the transport). Without it, a
/// burst queued in the store itself: on the embedded Azurite, 1,000 charge points booting 200 at a time sent more
/// than its one thread answers, tries passed their 3 s timeout, their retries added load and, where the first try had
/// landed, failed their ETag condition, so grains dropped their activations and read again: the load stayed above
/// what Azurite serves and sessions stopped completing while it lasted.
/// </summary>
public sealed class StorageRequestLimit(int limit) : HttpPipelinePolicy
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    /// <summary>Requests waiting for a slot now (for a test or a gauge).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    private int _waiting;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(message.CancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            _slots.Release();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            _slots.Wait(message.CancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            _slots.Release();
        }
    }
}
