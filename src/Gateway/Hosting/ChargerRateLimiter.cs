using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;

namespace Charge.Gateway.Hosting;

/// <summary>Per-charger request rate, bound from <c>Charge:RateLimit</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Charge:RateLimit";

    /// <summary>Sustained requests per second one charger may make (gRPC station calls, OCPP messages).</summary>
    [Range(1, 100_000)]
    public int PerChargerPerSecond { get; set; } = 20;

    /// <summary>Requests a charger may make at once after being quiet (a charger catching up after being offline).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 200;
}

/// <summary>
/// A token bucket per charger, so a chatty charger cannot starve the others. Per gateway process: a charger
/// talks to one gateway at a time, so this bounds it in practice.
/// </summary>
public sealed class ChargerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ChargerRateLimiter(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        Limit = o.PerChargerPerSecond;
        _limiter = PartitionedRateLimiter.Create<string, string>(chargerId => RateLimitPartition.GetTokenBucketLimiter(chargerId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.Burst,
            TokensPerPeriod = o.PerChargerPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public int Limit { get; }

    /// <summary>True when the charger may make one more request now.</summary>
    public bool TryAcquire(string chargerId)
    {
        using var lease = _limiter.AttemptAcquire(chargerId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
