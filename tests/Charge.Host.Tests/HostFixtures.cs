using Charge.Gateway.Hosting;
using Charge.Silo;
using Charge.Tests;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;

namespace Charge.Host.Tests;

/// <summary>What a test needs to talk to a running gateway.</summary>
public abstract class GatewayFixture : IAsyncLifetime
{
    private readonly List<IHost> _hosts = [];

    public GrpcChannel Channel { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    protected abstract IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort);

    public async Task InitializeAsync()
    {
        var ports = DevService.FreePorts(4);
        foreach (var host in BuildHosts(ports[0], ports[1], ports[2], ports[3]))
        {
            await host.StartAsync();
            _hosts.Add(host);
        }

        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}") };
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}");
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }
    }

    protected static string[] Args(int httpPort, int grpcPort, int siloPort, int gatewayPort, params string[] more) =>
    [
        $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{httpPort}",
        $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{grpcPort}",
        $"--Charge:Cluster:SiloPort={siloPort}",
        $"--Charge:Cluster:GatewayPort={gatewayPort}",
        $"--Charge:Cluster:ClusterId=test-{Guid.NewGuid():N}",
        "--Logging:LogLevel:Default=Warning",
        "--Charge:Storage:Provider=Memory",
        .. more,
    ];
}

/// <summary>The README's first command: one silo co-hosting the gateway.</summary>
public sealed class SingleHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build(Args(httpPort, grpcPort, siloPort, gatewayPort));
    }
}

/// <summary>A silo without gateway, and the gateway as its own host connected to it as an Orleans client.</summary>
public sealed class SeparateGatewayFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        var args = Args(httpPort, grpcPort, siloPort, gatewayPort);
        yield return ChargeSiloHost.Build([.. args, "--Charge:Silo:HostGateway=false"]);
        yield return ChargeGatewayHost.Build(args);
    }
}

/// <summary>The single host with the running-cost display (California Pricing DataTransfer) switched on.</summary>
public sealed class RunningCostHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort), "--Charge:Ocpp:SendRunningCost=true"]);
    }
}

/// <summary>The single host with a deliberately low per-charger rate limit.</summary>
public sealed class RateLimitedHostFixture : GatewayFixture
{
    public const int PerSecond = 5;

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort),
            $"--Charge:RateLimit:PerChargerPerSecond={PerSecond}", $"--Charge:RateLimit:Burst={PerSecond}"]);
    }
}
