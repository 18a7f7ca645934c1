using System.Threading.RateLimiting;
using Charge.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Charge.Host.Tests;

/// <summary>
/// The per-charger limiter when the runtime's partitioned limiter disposes a charger's idle bucket under an acquire
/// (dotnet/runtime#99865): the acquire threw ObjectDisposedException, which closed the charge point's OCPP socket.
/// </summary>
public sealed class ChargerRateLimiterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_bucket_disposed_under_an_acquire_is_looked_up_again_and_the_new_bucket_decides(bool acquired)
    {
        var buckets = new BucketsDisposedUnderLookups(disposedLookups: 1, acquired);
        using var limiter = new ChargerRateLimiter(20, buckets);

        Assert.Equal(acquired, limiter.TryAcquire("CP-1"));
        Assert.Equal(2, buckets.Lookups);
    }

    [Fact]
    public void An_acquire_that_keeps_meeting_disposed_buckets_gives_up_after_three_lookups()
    {
        var buckets = new BucketsDisposedUnderLookups(disposedLookups: int.MaxValue, acquired: true);
        using var limiter = new ChargerRateLimiter(20, buckets);

        Assert.Throws<ObjectDisposedException>(() => limiter.TryAcquire("CP-1"));
        Assert.Equal(3, buckets.Lookups);
    }

    [Fact]
    public void A_limiter_disposed_at_shutdown_fails_after_a_bounded_number_of_tries()
    {
        var limiter = new ChargerRateLimiter(Options.Create(new RateLimitOptions()));
        Assert.True(limiter.TryAcquire("CP-1"));
        limiter.Dispose();

        Assert.Throws<ObjectDisposedException>(() => limiter.TryAcquire("CP-1"));
    }

    /// <summary>Its first <paramref name="disposedLookups"/> lookups meet a bucket disposed under them, as the idle cleanup does; later ones answer <c>acquired</c>.</summary>
    private sealed class BucketsDisposedUnderLookups(int disposedLookups, bool acquired) : PartitionedRateLimiter<string>
    {
        public int Lookups { get; private set; }

        public override RateLimiterStatistics? GetStatistics(string resource) => null;

        protected override RateLimitLease AttemptAcquireCore(string resource, int permitCount)
        {
            if (++Lookups <= disposedLookups)
            {
                throw new ObjectDisposedException(nameof(TokenBucketRateLimiter));
            }

            return new Lease(acquired);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(string resource, int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
