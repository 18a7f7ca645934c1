using System.ComponentModel.DataAnnotations;

namespace Charge.Gateway.Hosting;

/// <summary>How many commands to chargers one caller may ask for, bound from <c>Charge:CommandRateLimit</c>.</summary>
public sealed class CommandRateLimitOptions
{
    public const string Section = "Charge:CommandRateLimit";

    /// <summary>Commands (a remote stop) one caller may ask for per minute, sustained.</summary>
    [Range(1, 10_000)]
    public int PerCallerPerMinute { get; set; } = 10;

    /// <summary>Commands one caller may ask for at once after being quiet.</summary>
    [Range(1, 10_000)]
    public int Burst { get; set; } = 5;
}

/// <summary>
/// A token bucket per caller (the token's subject) for the commands a caller asks chargers for through the API: a
/// driver flooding RequestStop is refused with ResourceExhausted before any charger is asked. Per gateway process;
/// the buckets are <see cref="ChargerRateLimiter"/>'s, refilled per minute.
/// </summary>
public sealed class CommandRateLimiter(Microsoft.Extensions.Options.IOptions<CommandRateLimitOptions> options) : IDisposable
{
    private readonly ChargerRateLimiter _buckets = new(options.Value.PerCallerPerMinute,
        ChargerRateLimiter.TokenBuckets(options.Value.Burst, options.Value.PerCallerPerMinute, TimeSpan.FromMinutes(1)));

    public int PerMinute => _buckets.Limit;

    /// <summary>True when the caller may ask for one more command now.</summary>
    public bool TryAcquire(string caller) => _buckets.TryAcquire(caller);

    public void Dispose() => _buckets.Dispose();
}
