using System.Net;
using System.Net.Sockets;
using Charge.Tests;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>What a person starting the system reads: where to look once it is up, and one line when a port is taken.</summary>
public sealed class FirstRunTests(ITestOutputHelper output) : ProcessTest(output, withRedis: false)
{
    private readonly int[] _ports = DevService.FreePorts(4);

    private ChargeProcess Start(string name) => StartSilo(name, _ports, "--Charge:Storage:Provider=Memory");

    [Fact]
    public async Task A_port_in_use_is_one_line_naming_the_setting_and_exit_code_2()
    {
        var holder = new TcpListener(IPAddress.Loopback, _ports[1]);
        holder.Start();
        try
        {
            var silo = Start("port-taken");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!silo.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Output.WriteLine(silo.Output);
            Assert.True(silo.HasExited, "the silo did not exit with its port taken");
            Assert.Equal(2, silo.ExitCode);
            Assert.Contains($"Cannot start: port {_ports[1]} (Charge:Gateway:GrpcUrl = http://127.0.0.1:{_ports[1]}) is in use by another program", silo.Output);
            Assert.DoesNotContain(silo.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
        finally
        {
            holder.Stop();
        }
    }

    [Fact]
    public async Task A_started_system_says_where_its_console_api_and_token_are_on_timestamped_lines()
    {
        var silo = Start("talks");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!silo.Output.Contains("Operator token:", StringComparison.Ordinal) && !silo.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var lines = silo.Output.Split('\n');
        Output.WriteLine(silo.Output);
        await silo.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(lines, l => l.EndsWith($"Operator console: http://127.0.0.1:{_ports[0]}/ (sign in with an operator token)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"REST: http://127.0.0.1:{_ports[0]}/v1 · gRPC: http://127.0.0.1:{_ports[1]} · OCPP 1.6J and 2.0.1: ws://127.0.0.1:{_ports[0]}/ocpp/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("Operator token: dotnet run --project src/Silo -- token --role operator", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Grain state", StringComparison.Ordinal));
        // Every log line starts with its UTC time.
        Assert.All(lines.Where(l => l.Contains(" info: ", StringComparison.Ordinal) || l.Contains(" warn: ", StringComparison.Ordinal)),
            l => Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn): ", l));
    }
}
