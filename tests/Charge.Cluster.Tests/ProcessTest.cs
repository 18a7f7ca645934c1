using Charge.Tests;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// What every real-process test shares: its own Azurite (and Redis, for a cluster), the processes it started (all
/// killed at the end), the test installation's secrets, and waiting for a condition with the processes' output
/// written out when it does not come.
/// </summary>
public abstract class ProcessTest(ITestOutputHelper output, bool withRedis = true) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    protected List<ChargeProcess> Processes { get; } = [];

    protected TestSecurity Security { get; } = new();

    protected Azurite AzuriteService { get; set; } = null!;

    protected Redis RedisService { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AzuriteService = await Azurite.StartAsync();
        if (withRedis)
        {
            RedisService = await Redis.StartAsync();
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var p in Processes)
        {
            await p.DisposeAsync();
        }

        if (withRedis)
        {
            await RedisService.DisposeAsync();
        }

        await AzuriteService.DisposeAsync();
    }

    protected void Dump()
    {
        foreach (var p in Processes)
        {
            Output.WriteLine($"--- {p.Name} (exited: {p.HasExited})\n{p.Output}");
        }
    }

    protected async Task Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Dump();
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(250);
        }
    }
}
