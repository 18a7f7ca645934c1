using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Charge.Cluster.Tests;

/// <summary>A silo and two stand-alone gateways as processes: a command entering one gateway reaches a charger connected to the other.</summary>
public sealed class CrossGatewayTests : IAsyncLifetime
{
    private readonly List<ChargeProcess> _processes = [];
    private readonly int[] _ports = DevService.FreePorts(6);
    private readonly TestSecurity _security = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_command_through_one_gateway_reaches_a_charger_connected_to_another()
    {
        var clusterId = $"xgw-{Guid.NewGuid():N}"[..12];
        string[] Cluster() => [$"--Charge:Cluster:GatewayPort={_ports[1]}", $"--Charge:Cluster:ClusterId={clusterId}", "--Logging:LogLevel:Default=Warning", TestSecurity.OpenNetwork];
        _processes.Add(ChargeProcess.Start("silo", "Silo", "Charge.Silo",
            ["--Charge:Silo:HostGateway=false", $"--Charge:Cluster:SiloPort={_ports[0]}", "--Charge:Storage:Provider=Memory", .. Cluster()]));
        _processes.Add(ChargeProcess.Start("gateway-1", "Gateway", "Charge.Gateway",
            [$"--Charge:Gateway:HttpUrl=http://127.0.0.1:{_ports[2]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{_ports[3]}", .. Cluster(), .. _security.HostArgs]));
        _processes.Add(ChargeProcess.Start("gateway-2", "Gateway", "Charge.Gateway",
            [$"--Charge:Gateway:HttpUrl=http://127.0.0.1:{_ports[4]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{_ports[5]}", .. Cluster(), .. _security.HostArgs]));
        using var channel2 = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports[5]}");
        var chargers = new ChargerService.ChargerServiceClient(channel2.Intercept(new TestSecurity.Interceptor(_security, channel2.CreateCallInvoker)));
        var cp = $"XGW-{Guid.NewGuid():N}"[..16];

        // The charger connects to gateway 1 (once the cluster serves it) and boots.
        OcppClient? client = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (client is null)
        {
            try
            {
                // Registered through gateway 2; gateway 1 checks the credential with the charger grain.
                client = await OcppClient.ConnectAsync(new Uri($"ws://127.0.0.1:{_ports[2]}/ocpp/{cp}"), await _security.ChargerAuthorization(channel2.CreateCallInvoker(), cp));
                var boot = await client.Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "DC50" });
                Assert.Equal(3, boot[0]!.GetValue<int>());
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                client = null;
                await Task.Delay(500);
            }
        }

        await using (client)
        {
            // Gateway 2 serves once a read through it reaches the cluster (it knows the charger from its boot).
            await UntilServing(chargers, cp);
            var command = chargers.ResetAsync(new ResetRequest { ChargerId = cp, Type = "Soft" }).ResponseAsync;
            var (action, payload) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });

            Assert.Equal("Reset", action);
            Assert.Equal("Soft", payload["type"]!.GetValue<string>());
            Assert.Equal("Accepted", (await command).Status);
        }
    }

    private static Task UntilServing(ChargerService.ChargerServiceClient chargers, string chargerId) =>
        Eventually.Succeeds(async () => await chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }),
            e => e is RpcException { StatusCode: not StatusCode.NotFound }, TimeSpan.FromSeconds(90));
}
