namespace Charge.Tests;

/// <summary>Waits for an asynchronous outcome (stream delivery, a follow-up, a registration) instead of sleeping a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Reads until <paramref name="done"/> holds or the timeout (15 s) passes; returns the last value read either way, for the test to assert on.</summary>
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; a timeout fails the test.</summary>
    public static async Task Until(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for the condition");
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>Calls until the call stops failing with a transient error (one <paramref name="transient"/> accepts), or the timeout passes (then the last error is thrown).</summary>
    public static async Task<T> Succeeds<T>(Func<Task<T>> call, Func<Exception, bool> transient, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (transient(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Poll);
            }
        }
    }
}
