using Charge.Grains.Health;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

/// <summary>Busy is not down: a probe timing out while the silo's own storage calls succeed says overloaded, else unhealthy.</summary>
public sealed class StorageHealthTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_probe_that_answers_is_healthy()
    {
        Assert.Equal(StorageCondition.Healthy, StorageHealth.Judge(null, false, null, null, 0).Condition);
    }

    [Fact]
    public void A_slow_probe_while_the_silo_still_stores_is_overloaded_and_says_how_busy()
    {
        var busy = StorageHealth.Judge("storage did not answer within 5 s", true, 2 * Second, null, 1234);
        Assert.Equal(StorageCondition.Overloaded, busy.Condition);
        Assert.StartsWith("overloaded: storage answers slowly (1234 requests in flight, the last answered 2.0 s ago)", busy.Description);
        // An outage long before the last success does not change that.
        Assert.Equal(StorageCondition.Overloaded, StorageHealth.Judge("x", true, 2 * Second, 60 * Second, 1).Condition);
    }

    [Theory]
    [InlineData(true, 30.0, null)]   // slow, and nothing stored for 30 s: down
    [InlineData(true, 2.0, 1.0)]     // slow, and a call failed as an outage after the last success
    [InlineData(true, null, null)]   // slow, and this silo never stored anything
    [InlineData(false, 1.0, null)]   // the store answered with an error status: in trouble, however busy
    public void Otherwise_it_is_unhealthy(bool timedOut, double? sinceSuccess, double? sinceOutage)
    {
        var result = StorageHealth.Judge("storage answered 503 ServerBusy", timedOut,
            sinceSuccess is { } s ? TimeSpan.FromSeconds(s) : null, sinceOutage is { } o ? TimeSpan.FromSeconds(o) : null, 10);
        Assert.Equal(StorageCondition.Unhealthy, result.Condition);
        Assert.Equal("storage answered 503 ServerBusy", result.Description);
    }
}
