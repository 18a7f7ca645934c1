using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// The README's first command with no storage configured: the silo starts the repository's Azurite on 127.0.0.1:10000
/// and must make it save what it holds on every way the silo ends that runs code. Azurite keeps its metadata in
/// memory and saves it every few seconds, so readings acknowledged just before the end are the ones at stake.
/// </summary>
public sealed class EmbeddedAzuriteTests(ITestOutputHelper output) : ProcessTest(output, withRedis: false)
{
    private const int Readings = 30;

    private readonly int[] _ports = DevService.FreePorts(4);
    private readonly string _data = Directory.CreateTempSubdirectory("charge-embedded-").FullName;
    private readonly DateTime _t0 = DateTime.UtcNow.AddHours(-1);

    private ChargeProcess StartSystem(string name) => StartSilo(name, _ports, $"--Charge:Storage:AzuriteLocation={_data}", "--Logging:LogLevel:Default=Warning");

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    private async Task<(HttpClient Http, GrpcChannel Raw)> Clients()
    {
        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports[1]}");
        var http = new HttpClient(new TestSecurity.Handler(Security, raw.CreateCallInvoker)) { BaseAddress = new Uri($"http://127.0.0.1:{_ports[0]}"), Timeout = TimeSpan.FromSeconds(30) };
        await Ready(http);
        return (http, raw);
    }

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("SIGHUP", 1)]
    public async Task Every_acknowledged_reading_is_in_the_embedded_storage_after_the_silo_ends_by(string how, int signal)
    {
        Assert.False(Listening(10000), "127.0.0.1:10000 is in use: this test needs the port for the silo's own Azurite (stop the Azurite running there)");
        var first = StartSystem($"embedded-1-{how}");
        var (http, _) = await Clients();
        var charger = $"EMB-{how}-{Guid.NewGuid():N}"[..20];
        var started = await http.PostAsJsonAsync($"/v1/chargers/{charger}/sessions", new { connectorId = 1, idTag = "T", meterStartWh = 1000, timestamp = _t0.ToString("O") });
        started.EnsureSuccessStatusCode();
        var sessionId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["sessionId"]!.GetValue<string>();
        for (var i = 1; i <= Readings; i++)
        {
            using var reading = await http.PostAsJsonAsync($"/v1/chargers/{charger}/meter-values",
                new { sessionId, readings = new[] { new { timestamp = _t0.AddSeconds(30 * i).ToString("O"), energyWh = 1000 + 100 * i } } });
            Assert.Equal(HttpStatusCode.OK, reading.StatusCode);
        }

        // The moment the last answer arrives, before Azurite's own periodic save.
        await first.SignalAsync(signal, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Listening(10000) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var azuriteGone = !Listening(10000);
        var second = StartSystem($"embedded-2-{how}");
        var (http2, raw2) = await Clients();
        var grpc = raw2.Intercept(new TestSecurity.Interceptor(Security, raw2.CreateCallInvoker));
        var session = await new SessionService.SessionServiceClient(grpc).GetSessionAsync(new GetSessionRequest { SessionId = sessionId });
        await second.StopAsync(TimeSpan.FromSeconds(60));

        Assert.True(first.HasExited, $"the silo did not end on {how}");
        Assert.True(azuriteGone, $"the silo's Azurite still listened 30 s after the silo ended on {how}");
        // Counted one by one: every acknowledged reading is a point of the curve.
        Assert.Equal(Readings, session.ReadingCount);
        Assert.Equal(100.0 * Readings, session.EnergyWh);
        http.Dispose();
        http2.Dispose();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
