using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// An acknowledgement is a promise: the README's one-process system (silo with co-hosted gateway) on a real Azurite,
/// fed over REST and OCPP, stopped the moment its last answer arrives (SIGTERM, SIGKILL) or cut off from storage.
/// Every reading a charger was told is accepted is counted afterwards, one by one, not only the final energy.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : ProcessTest(output, withRedis: false)
{
    private const int ReadingsPerTransport = 40;

    private readonly int[] _ports = DevService.FreePorts(4);
    private readonly DateTime _t0 = DateTime.UtcNow.AddHours(-2);

    private string Rest => $"http://127.0.0.1:{_ports[0]}";

    private ChargeProcess StartSystem(string name) => StartSilo(name, _ports,
        "--Charge:Storage:Provider=AzureBlob",
        $"--Charge:Storage:ConnectionString={AzuriteService.ConnectionString}",
        "--Charge:RateLimit:PerChargerPerSecond=100000",
        "--Charge:RateLimit:Burst=100000",
        "--Logging:LogLevel:Default=Warning");

    private (HttpClient Http, CallInvoker Grpc, GrpcChannel Raw) Clients()
    {
        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{_ports[1]}");
        var http = new HttpClient(new TestSecurity.Handler(Security, raw.CreateCallInvoker)) { BaseAddress = new Uri(Rest), Timeout = TimeSpan.FromSeconds(30) };
        return (http, raw.Intercept(new TestSecurity.Interceptor(Security, raw.CreateCallInvoker)), raw);
    }

    private string At(int i) => _t0.AddSeconds(30 * i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    /// <summary>A REST session and an OCPP transaction, each fed readings until <see cref="ReadingsPerTransport"/> are acknowledged.</summary>
    private async Task<(string RestSession, string OcppSession)> Feed(HttpClient http, GrpcChannel raw, string tag)
    {
        var restCharger = $"DUR-R-{tag}";
        var started = await http.PostAsJsonAsync($"/v1/chargers/{restCharger}/sessions", new { connectorId = 1, idTag = "T", meterStartWh = 1000, timestamp = At(0) });
        started.EnsureSuccessStatusCode();
        var restSession = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["sessionId"]!.GetValue<string>();
        var ocppCp = $"DUR-O-{tag}";
        await using var cp = await OcppClient.ConnectAsync(new Uri($"ws://127.0.0.1:{_ports[0]}/ocpp/{ocppCp}"),
            await Security.ChargerAuthorization(raw.CreateCallInvoker(), ocppCp));
        var tx = (await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 500, ["timestamp"] = At(0) }))[2]!["transactionId"]!.GetValue<int>();

        for (var i = 1; i <= ReadingsPerTransport; i++)
        {
            using var rest = await http.PostAsJsonAsync($"/v1/chargers/{restCharger}/meter-values",
                new { sessionId = restSession, readings = new[] { new { timestamp = At(i), energyWh = 1000 + 100 * i } } });
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
            var ocpp = await cp.Call("MeterValues", new JsonObject
            {
                ["connectorId"] = 1, ["transactionId"] = tx,
                ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(i), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = $"{500 + 50 * i}" }) }),
            });
            Assert.Equal(3, ocpp[0]!.GetValue<int>());
        }

        return (restSession, $"{ocppCp}~{tx}");
    }

    private static async Task<Session> Read(CallInvoker grpc, string sessionId) =>
        await new SessionService.SessionServiceClient(grpc).GetSessionAsync(new GetSessionRequest { SessionId = sessionId });

    private static void AllThere(Session session, double perReading)
    {
        // Counted one by one: every acknowledged reading is a point of the curve, and the energy is the last of them.
        Assert.Equal(ReadingsPerTransport, session.ReadingCount);
        Assert.Equal(perReading * ReadingsPerTransport, session.EnergyWh);
        Assert.Equal(session.EnergyWh, session.Slots.Sum(s => s.EnergyWh), 6);
        Assert.Equal(0, session.AnomalyCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_acknowledged_reading_is_there_after_the_process_stops_right_after_its_answer(bool graceful)
    {
        var first = StartSystem("system-1");
        var (http, _, raw) = Clients();
        await Ready(http);
        var (restSession, ocppSession) = await Feed(http, raw, $"{(graceful ? "term" : "kill")}-{Guid.NewGuid():N}"[..16]);

        // No pause: the last acknowledgement has just arrived.
        var stopping = Stopwatch.StartNew();
        if (graceful)
        {
            await first.StopAsync(TimeSpan.FromSeconds(60));
        }
        else
        {
            first.KillHard();
        }

        Output.WriteLine($"{(graceful ? "SIGTERM" : "SIGKILL")}: exited after {stopping.Elapsed.TotalSeconds:0.0} s");
        StartSystem("system-2");
        var (http2, grpc2, _) = Clients();
        await Ready(http2);

        AllThere(await Read(grpc2, restSession), 100);
        AllThere(await Read(grpc2, ocppSession), 50);
        Output.WriteLine($"acknowledged {2 * ReadingsPerTransport}, present {2 * ReadingsPerTransport}");
    }

    [Fact]
    public async Task On_sigterm_the_gateway_tells_its_ocpp_chargers_to_go_elsewhere()
    {
        var system = StartSystem("system");
        var (http, _, raw) = Clients();
        await Ready(http);
        var cpId = $"DUR-G-{Guid.NewGuid():N}"[..16];
        var cp = await OcppClient.ConnectAsync(new Uri($"ws://127.0.0.1:{_ports[0]}/ocpp/{cpId}"), await Security.ChargerAuthorization(raw.CreateCallInvoker(), cpId));
        await cp.Call("Heartbeat", []);

        var stopping = system.StopAsync(TimeSpan.FromSeconds(60));
        var close = await cp.ReceiveClose(TimeSpan.FromSeconds(20));
        await cp.DisposeAsync();
        await stopping;

        // 1001 "going away": the charge point reconnects, to another gateway behind the same address.
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, close);
    }

    [Fact]
    public async Task While_storage_is_down_calls_fail_fast_with_503_nothing_acknowledged_is_lost_and_it_works_again_without_a_restart()
    {
        StartSystem("system");
        var (http, grpc, raw) = Clients();
        await Ready(http);
        var (restSession, ocppSession) = await Feed(http, raw, $"out-{Guid.NewGuid():N}"[..16]);
        var charger = restSession[..restSession.IndexOf('~')];

        await AzuriteService.StopProcessAsync(graceful: true);
        var refused = new List<(HttpStatusCode Status, double Seconds, string? RetryAfter)>();
        for (var i = 0; i < 3; i++)
        {
            var timer = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync($"/v1/chargers/{charger}/meter-values",
                new { sessionId = restSession, readings = new[] { new { timestamp = At(ReadingsPerTransport + 1 + i), energyWh = 999_000 } } });
            refused.Add((response.StatusCode, timer.Elapsed.TotalSeconds, response.Headers.RetryAfter?.ToString()));
        }

        // A stop in the outage is refused whole: the session stays active and its connector charging.
        using var refusedStop = await http.PostAsJsonAsync($"/v1/sessions/{restSession}:stop",
            new { meterStopWh = 1000 + 100 * (ReadingsPerTransport + 20), timestamp = At(ReadingsPerTransport + 20), reason = "Local" });

        AzuriteService = await AzuriteService.RestartAsync();
        var session = await Read(grpc, restSession);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode after;
        do
        {
            using var response = await http.PostAsJsonAsync($"/v1/chargers/{charger}/meter-values",
                new { sessionId = restSession, readings = new[] { new { timestamp = At(ReadingsPerTransport + 10), energyWh = 1000 + 100 * (ReadingsPerTransport + 10) } } });
            after = response.StatusCode;
            if (after != HttpStatusCode.OK)
            {
                await Task.Delay(500);
            }
        }
        while (after != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        foreach (var r in refused)
        {
            Output.WriteLine($"during the outage: {(int)r.Status} after {r.Seconds:0.0} s, Retry-After {r.RetryAfter}");
        }

        Assert.All(refused, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.All(refused, r => Assert.True(r.Seconds < 15, $"refused after {r.Seconds:0.0} s"));
        Assert.All(refused, r => Assert.NotNull(r.RetryAfter));
        Assert.Equal(HttpStatusCode.OK, after);
        var final = await Eventually.Get(() => Read(grpc, restSession), s => s.ReadingCount >= ReadingsPerTransport + 1, TimeSpan.FromSeconds(10));

        // The refused readings were not applied; the ones before are all there, and the one after.
        Assert.Equal(ReadingsPerTransport + 1, final.ReadingCount);
        Assert.Equal(100 * (ReadingsPerTransport + 10), final.EnergyWh);
        AllThere(await Read(grpc, ocppSession), 50);
        Assert.True(session.ReadingCount >= ReadingsPerTransport);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedStop.StatusCode);
        Assert.Equal(SessionState.Active, final.State);
        var connector = (await new ChargerService.ChargerServiceClient(grpc).GetChargerAsync(new GetChargerRequest { ChargerId = charger })).Connectors.Single(c => c.ConnectorId == 1);
        Assert.Equal((ConnectorStatus.Charging, restSession), (connector.Status, connector.ActiveSessionId));

        // The station retries the stop: now it completes, with the connector freed.
        using var retried = await http.PostAsJsonAsync($"/v1/sessions/{restSession}:stop",
            new { meterStopWh = 1000 + 100 * (ReadingsPerTransport + 20), timestamp = At(ReadingsPerTransport + 20), reason = "Local" });
        var completed = JsonNode.Parse(await retried.Content.ReadAsStringAsync())!;
        var freed = (await new ChargerService.ChargerServiceClient(grpc).GetChargerAsync(new GetChargerRequest { ChargerId = charger })).Connectors.Single(c => c.ConnectorId == 1);
        Assert.Equal("SESSION_STATE_COMPLETED", completed["state"]!.GetValue<string>());
        Assert.Equal("", freed.ActiveSessionId);
    }

    [Fact]
    public async Task A_cluster_on_azure_table_membership_serves_with_no_other_backing_service()
    {
        var ports = DevService.FreePorts(4);
        string[] cluster =
        [
            "--Charge:Cluster:Provider=AzureStorage", $"--Charge:Cluster:AzureStorageConnectionString={AzuriteService.ConnectionString}",
            $"--Charge:Cluster:ClusterId=az-{Guid.NewGuid():N}"[..30], "--Logging:LogLevel:Default=Warning", TestSecurity.OpenNetwork,
        ];
        Processes.Add(ChargeProcess.Start("silo", "Silo", "Charge.Silo",
        [
            "--Charge:Silo:HostGateway=false", $"--Charge:Cluster:SiloPort={ports[0]}", $"--Charge:Cluster:GatewayPort={ports[1]}",
            "--Charge:Storage:Provider=AzureBlob", $"--Charge:Storage:ConnectionString={AzuriteService.ConnectionString}", .. cluster,
        ]));
        Processes.Add(ChargeProcess.Start("gateway", "Gateway", "Charge.Gateway",
        [
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[2]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[3]}",
            "--Charge:Cluster:Gateways:GatewayListRefreshPeriod=00:00:02", .. cluster, .. Security.HostArgs,
        ]));
        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[3]}");
        var station = new StationService.StationServiceClient(raw.Intercept(new TestSecurity.Interceptor(Security, raw.CreateCallInvoker)));
        Session? started = null;
        await Until(async () =>
        {
            try
            {
                started = await station.StartSessionAsync(new StartSessionRequest
                {
                    ChargerId = "AZ-1", ConnectorId = 1, IdTag = "T", MeterStartWh = 0, SessionId = "s", Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(_t0),
                });
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }, "a session started through the Azure-table cluster", TimeSpan.FromSeconds(90));

        Assert.Equal("AZ-1~s", started!.SessionId);
        Assert.Equal(SessionState.Active, started.State);
    }

    [Fact]
    public async Task The_simulator_keeps_its_chargers_on_their_site_and_completes_every_session_through_a_restart_of_the_system()
    {
        var system = StartSystem("system-1");
        var (http, grpc, _) = Clients();
        await Ready(http);
        var prefix = $"RS{Guid.NewGuid():N}"[..8];
        var simulator = ChargeProcess.Start("simulator", "Simulator", "Charge.Simulator",
        [
            "--url", $"http://127.0.0.1:{_ports[1]}", "--token", Security.OperatorToken, "--prefix", prefix, "--site", "depot",
            "--chargers", "2", "--sessions", "2", "--readings", "10", "--interval", "0.5",
        ]);
        Processes.Add(simulator);
        var chargerIds = new[] { $"{prefix}-001", $"{prefix}-002" };
        var chargers = new ChargerService.ChargerServiceClient(grpc);
        await Until(async () =>
        {
            try
            {
                var view = await chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerIds[0] });
                return view.Connectors.Any(c => c.ActiveSessionId.Length > 0);
            }
            catch (RpcException)
            {
                return false;
            }
        }, "a simulated session runs");

        // The whole system goes away in the middle of the sessions and comes back.
        system.KillHard();
        StartSystem("system-2");
        var (http2, grpc2, _) = Clients();
        await Ready(http2);
        await Until(() => Task.FromResult(simulator.HasExited), "the simulator finishes its sessions", TimeSpan.FromSeconds(120));
        var after = new ChargerService.ChargerServiceClient(grpc2);
        var sessions = new SessionService.SessionServiceClient(grpc2);
        var views = new List<(string SiteId, int Completed, int All)>();
        foreach (var chargerId in chargerIds)
        {
            var charger = await after.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId });
            var listed = await sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = chargerId });
            views.Add((charger.SiteId, listed.Sessions.Count(s => s.State == SessionState.Completed && s.EnergyWh > 0), listed.Sessions.Count));
        }

        if (simulator.ExitCode != 0)
        {
            Dump();
        }

        Assert.Equal(0, simulator.ExitCode);
        // Each charger ran its two sessions to the end, on the site it was put on, and nothing else.
        Assert.All(views, v => Assert.Equal(("depot", 2, 2), v));
    }

    [Fact]
    public async Task The_demo_sets_up_its_network_charges_under_the_limits_and_rides_out_a_restart_of_the_system()
    {
        var system = StartSystem("demo-system-1");
        var (http, grpc, _) = Clients();
        await Ready(http);
        var demo = ChargeProcess.Start("demo", "Simulator", "Charge.Simulator",
        [
            "--url", $"http://127.0.0.1:{_ports[1]}", "--token", Security.OperatorToken, "--demo", "--interval", "0.5", "--readings", "6", "--history-hours", "2",
        ]);
        Processes.Add(demo);
        var chargers = new ChargerService.ChargerServiceClient(grpc);
        async Task<bool> Charging(ChargerService.ChargerServiceClient client, string siteId)
        {
            try
            {
                var list = await client.ListChargersAsync(new ListChargersRequest { SiteId = siteId });
                return list.Chargers.Any(c => c.Connectors.Any(x => x.ActiveSessionId.Length > 0));
            }
            catch (RpcException)
            {
                return false;
            }
        }

        await Until(async () => await Charging(chargers, "demo-amsterdam") && await Charging(chargers, "demo-new-york"), "both demo sites charge", TimeSpan.FromSeconds(120));

        // The network it set up: two sites in their zones with limits and tariffs, customers, a faulted charger.
        var sites = new SiteService.SiteServiceClient(grpc);
        var amsterdam = await sites.GetSiteAsync(new GetSiteRequest { SiteId = "demo-amsterdam" });
        var newYork = await sites.GetSiteAsync(new GetSiteRequest { SiteId = "demo-new-york" });
        var limits = await sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = "demo-amsterdam" });
        var assigned = await new TariffService.TariffServiceClient(grpc).GetTariffAssignmentsAsync(new GetTariffAssignmentsRequest { SiteId = "demo-new-york" });
        var customers = await new CustomerService.CustomerServiceClient(grpc).ListCustomersAsync(new ListCustomersRequest());
        var faulted = await chargers.GetChargerAsync(new GetChargerRequest { ChargerId = "DEMO-AMS-AC5" });
        Assert.Equal(("Europe/Amsterdam", 5), (amsterdam.TimeZone, amsterdam.ChargerIds.Count));
        Assert.Equal(("America/New_York", 4), (newYork.TimeZone, newYork.ChargerIds.Count));
        Assert.Equal(60, limits.GridLimitKw);
        Assert.Equal("DEMO-USD", Assert.Single(assigned.Assignments).TariffId);
        Assert.Superset(new HashSet<string> { "acme-fleet", "jansen", "miller" }, customers.Customers.Select(c => c.CustomerId).ToHashSet());
        Assert.Equal("FAULTED", faulted.Status);

        // It obeys the limits it is sent: the balancer's SetLimit reaches the simulated cars, and none draws above
        // its allowance once it has it.
        await Until(() => Task.FromResult(demo.Output.Contains("held to", StringComparison.Ordinal)), "a demo car is held to a limit", TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            var load = await sites.GetSiteLoadAsync(new GetSiteRequest { SiteId = "demo-amsterdam" });
            Assert.DoesNotContain(load.Sessions, s => s.Overdrawing);
            await Task.Delay(1000);
        }

        // The system stops gracefully and comes back: the demo waits it out and charges on.
        await system.StopAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(3000);
        Assert.False(demo.HasExited, "the demo ended when the system went away");
        var restartedAt = DateTime.UtcNow;
        StartSystem("demo-system-2");
        var (http2, grpc2, _) = Clients();
        await Ready(http2);
        var sessions = new SessionService.SessionServiceClient(grpc2);
        await Until(async () =>
        {
            try
            {
                var listed = await sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = "DEMO-NYC-DC1" });
                return listed.Sessions.Any(s => s.LastReadingAt?.ToDateTime() > restartedAt);
            }
            catch (RpcException)
            {
                return false;
            }
        }, "the demo charges again after the restart", TimeSpan.FromSeconds(120));
        Assert.False(demo.HasExited);

        await demo.SignalAsync(2, TimeSpan.FromSeconds(30));
        if (demo.ExitCode != 0)
        {
            Dump();
        }

        Assert.Equal(0, demo.ExitCode);
    }
}
