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

    /// <summary>
    /// The README's one-process system (a silo co-hosting the gateway) on loopback ports (REST, gRPC, silo, Orleans
    /// gateway), with the test installation's secrets and any further settings.
    /// </summary>
    protected ChargeProcess StartSilo(string name, int[] ports, params string[] settings)
    {
        var process = ChargeProcess.Start(name, "Silo", "Charge.Silo",
        [
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[0]}",
            $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[1]}",
            $"--Charge:Cluster:SiloPort={ports[2]}",
            $"--Charge:Cluster:GatewayPort={ports[3]}",
            .. settings,
            .. Security.HostArgs,
        ]);
        Processes.Add(process);
        return process;
    }

    /// <summary>Waits until the system answers the API: NotFound for a session that does not exist.</summary>
    protected Task Ready(HttpClient http, TimeSpan? timeout = null) => Until(async () =>
    {
        try
        {
            using var response = await http.GetAsync("/v1/sessions/probe~probe");
            return response.StatusCode == System.Net.HttpStatusCode.NotFound;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, "the system answers its API", timeout ?? TimeSpan.FromSeconds(120));

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
