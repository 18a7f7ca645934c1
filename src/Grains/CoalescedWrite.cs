namespace Charge.Grains;

/// <summary>
/// Group commit inside one grain: callers that change the state while a write is in flight share the next write,
/// which starts when that one ends and carries every change made meanwhile. Each caller is answered only after a
/// write that began after its change, so an answer still means "stored"; a hot grain (an id_tag on many chargers)
/// makes one write per round trip instead of one per caller. Every write of the grain's state goes through it, so
/// two never overlap. Runs on the grain's scheduler (no locks): used from interleaving methods.
/// </summary>
internal sealed class CoalescedWrite(Func<Task> write)
{
    private Task? _running;
    private Task? _next;

    // Changes made and changes stored, counted: a write stores all the changes made before it began.
    private long _changes;
    private long _stored;

    /// <summary>The caller changed the state: completes when that change is stored; a failed write fails its callers.</summary>
    public Task WriteAsync()
    {
        _changes++;
        return Schedule();
    }

    /// <summary>
    /// The caller found its change made already (a retry): completes once every change made so far is stored, so a
    /// retry after a failed write is not answered until the change it repeats is in storage.
    /// </summary>
    public Task StoredAsync() => _stored >= _changes ? Task.CompletedTask : Schedule();

    private Task Schedule()
    {
        if (_running is null || _running.IsCompleted)
        {
            _running = RunAsync();
            return _running;
        }

        // The write in flight may have been serialized before this change: the next one carries it.
        return _next ??= AfterAsync(_running);
    }

    private async Task AfterAsync(Task running)
    {
        try
        {
            await running;
        }
        catch
        {
            // That write's callers hear of its failure; this one is a new attempt.
        }

        _next = null;
        _running = RunAsync();
        await _running;
    }

    private async Task RunAsync()
    {
        var changes = _changes;
        await write();
        _stored = Math.Max(_stored, changes);
    }
}
