using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// Two silos and a gateway as processes (Redis membership, Azurite storage) under steady load over REST and OCPP:
/// a silo SIGKILLed, then a rolling restart by SIGTERM; and a whole-cluster kill between a stop and its invoice.
/// Every acknowledged reading is counted in its session afterwards, each once.
/// </summary>
public sealed class ClusterFaultTests(ITestOutputHelper output) : ProcessTest(output)
{
    private readonly string _clusterId = $"flt-{Guid.NewGuid():N}"[..16];

    private ChargeProcess Silo(string name, params string[] more)
    {
        var ports = DevService.FreePorts(2);
        var silo = ChargeProcess.Start(name, "Silo", "Charge.Silo",
        [
            "--Charge:Silo:HostGateway=false", $"--Charge:Cluster:SiloPort={ports[0]}", $"--Charge:Cluster:GatewayPort={ports[1]}",
            .. Cluster(), "--Charge:Storage:Provider=AzureBlob", $"--Charge:Storage:ConnectionString={AzuriteService.ConnectionString}",
            "--Charge:Sessions:FollowUpReminderPeriod=00:00:02",
            "--Charge:Cluster:Membership:ProbeTimeout=00:00:01", "--Charge:Cluster:Membership:NumMissedProbesLimit=2",
            "--Charge:Cluster:Membership:NumVotesForDeathDeclaration=1", "--Charge:Cluster:Membership:IAmAliveTablePublishTimeout=00:00:02",
            "--Charge:Cluster:Membership:NumMissedTableIAmAliveLimit=2", "--Charge:Cluster:Membership:TableRefreshTimeout=00:00:02",
            .. more,
        ]);
        Processes.Add(silo);
        return silo;
    }

    private string[] Cluster() =>
    [
        "--Charge:Cluster:Provider=Redis", $"--Charge:Cluster:RedisConnectionString={RedisService.ConnectionString}",
        $"--Charge:Cluster:ClusterId={_clusterId}", "--Charge:Cluster:ResponseTimeout=00:00:05", "--Logging:LogLevel:Default=Warning",
        "--Charge:RateLimit:PerChargerPerSecond=100000", "--Charge:RateLimit:Burst=100000", TestSecurity.OpenNetwork,
    ];

    private sealed record Gateway(HttpClient Http, CallInvoker Grpc, GrpcChannel Raw, int HttpPort);

    private async Task<Gateway> StartGateway()
    {
        var ports = DevService.FreePorts(2);
        Processes.Add(ChargeProcess.Start("gateway", "Gateway", "Charge.Gateway",
        [
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[0]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[1]}",
            "--Charge:Cluster:Gateways:GatewayListRefreshPeriod=00:00:02", .. Cluster(), .. Security.HostArgs,
        ]));
        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}");
        var gateway = new Gateway(new HttpClient(new TestSecurity.Handler(Security, raw.CreateCallInvoker)) { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}"), Timeout = TimeSpan.FromSeconds(20) },
            raw.Intercept(new TestSecurity.Interceptor(Security, raw.CreateCallInvoker)), raw, ports[0]);
        await Until(async () =>
        {
            try
            {
                await new SessionService.SessionServiceClient(gateway.Grpc).GetSessionAsync(new GetSessionRequest { SessionId = "probe~probe" }, deadline: DateTime.UtcNow.AddSeconds(10));
                return true;
            }
            catch (RpcException e)
            {
                return e.StatusCode == StatusCode.NotFound;
            }
        }, "gateway ready", TimeSpan.FromSeconds(90));
        return gateway;
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    [Fact]
    public async Task Under_load_a_silo_kill_and_a_rolling_restart_lose_no_acknowledged_reading_and_a_watch_resumes()
    {
        var siloA = Silo("silo-a");
        var siloB = Silo("silo-b");
        var gateway = await StartGateway();
        var t0 = DateTime.UtcNow.AddHours(-3);
        const int RestSessions = 8, OcppSessions = 6;

        // Sessions: REST stations and OCPP charge points.
        var rest = new List<(string Charger, string Session)>();
        for (var i = 0; i < RestSessions; i++)
        {
            var charger = $"FR-{_clusterId}-{i}";
            using var started = await gateway.Http.PostAsJsonAsync($"/v1/chargers/{charger}/sessions", new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = Iso(t0) });
            started.EnsureSuccessStatusCode();
            rest.Add((charger, JsonNode.Parse(await started.Content.ReadAsStringAsync())!["sessionId"]!.GetValue<string>()));
        }

        var ocpp = new List<(OcppClient Client, string Cp, int Tx)>();
        for (var i = 0; i < OcppSessions; i++)
        {
            var cp = $"FO-{_clusterId}-{i}";
            var client = await OcppClient.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.HttpPort}/ocpp/{cp}"), await Security.ChargerAuthorization(gateway.Raw.CreateCallInvoker(), cp));
            var tx = (await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "T", ["meterStart"] = 0, ["timestamp"] = Iso(t0) }))[2]!["transactionId"]!.GetValue<int>();
            ocpp.Add((client, cp, tx));
        }

        // What each session was told is accepted, and every reading that was sent at all (retries reuse theirs).
        var acknowledged = new ConcurrentDictionary<string, int>();
        var sent = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        async Task Feed(string session, Func<int, Task<bool>> send)
        {
            for (var k = 1; !stop.IsCancellationRequested; k++)
            {
                sent[session] = k;
                // A station retries what it got no answer for; the retry is the same reading.
                while (!stop.IsCancellationRequested)
                {
                    bool ok;
                    try
                    {
                        ok = await send(k);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.WebSockets.WebSocketException)
                    {
                        ok = false;
                    }

                    if (ok)
                    {
                        acknowledged.AddOrUpdate(session, 1, (_, n) => n + 1);
                        break;
                    }

                    await Task.Delay(200);
                }

                await Task.Delay(100);
            }
        }

        var feeders = new List<Task>();
        foreach (var (charger, session) in rest)
        {
            feeders.Add(Task.Run(() => Feed(session, async k =>
            {
                using var r = await gateway.Http.PostAsJsonAsync($"/v1/chargers/{charger}/meter-values",
                    new { sessionId = session, readings = new[] { new { timestamp = Iso(t0.AddSeconds(10 * k)), energyWh = 100 * k } } });
                return r.IsSuccessStatusCode;
            })));
        }

        foreach (var (client, cp, tx) in ocpp)
        {
            feeders.Add(Task.Run(() => Feed($"{cp}~{tx}", async k =>
            {
                var reply = await client.Call("MeterValues", new JsonObject
                {
                    ["connectorId"] = 1, ["transactionId"] = tx,
                    ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = Iso(t0.AddSeconds(10 * k)), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = $"{100 * k}" }) }),
                });
                return reply[0]!.GetValue<int>() == 3;
            })));
        }

        // A live view of one session, kept open through the faults.
        var watched = rest[0].Session;
        var views = new ConcurrentQueue<(DateTime At, long Version)>();
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var watch = new SessionService.SessionServiceClient(gateway.Grpc).WatchSession(new WatchSessionRequest { SessionId = watched }, cancellationToken: stop.Token);
                    while (await watch.ResponseStream.MoveNext(stop.Token))
                    {
                        views.Enqueue((DateTime.UtcNow, watch.ResponseStream.Current.Version));
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    await Task.Delay(500);
                }
                catch (Exception)
                {
                    return;
                }
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(4));
        siloA.KillHard();
        var killedAt = DateTime.UtcNow;
        Output.WriteLine("silo-a killed");
        await Task.Delay(TimeSpan.FromSeconds(8));

        // Rolling restart: a new silo joins, then each old one leaves gracefully.
        var siloC = Silo("silo-c");
        await Task.Delay(TimeSpan.FromSeconds(6));
        await siloB.StopAsync(TimeSpan.FromSeconds(40));
        var siloBStoppedAt = DateTime.UtcNow;
        Output.WriteLine("silo-b stopped (SIGTERM)");
        Silo("silo-d");
        await Task.Delay(TimeSpan.FromSeconds(6));
        await siloC.StopAsync(TimeSpan.FromSeconds(40));
        Output.WriteLine("silo-c stopped (SIGTERM)");
        await Task.Delay(TimeSpan.FromSeconds(4));

        await stop.CancelAsync();
        await Task.WhenAll(feeders);
        await watching;

        var sessions = new SessionService.SessionServiceClient(gateway.Grpc);
        var report = new StringBuilder();
        var totalAcknowledged = 0;
        var totalPresent = 0;
        foreach (var session in rest.Select(r => r.Session).Concat(ocpp.Select(o => $"{o.Cp}~{o.Tx}")))
        {
            Session view = null!;
            var expected = acknowledged.GetValueOrDefault(session);
            await Until(async () =>
            {
                try
                {
                    view = await sessions.GetSessionAsync(new GetSessionRequest { SessionId = session });
                    return view.ReadingCount >= expected;
                }
                catch (RpcException)
                {
                    return false;
                }
            }, $"{session} has its {expected} acknowledged readings", TimeSpan.FromSeconds(30));
            totalAcknowledged += expected;
            totalPresent += view.ReadingCount;
            report.AppendLine($"{session}: acknowledged {expected}, sent {sent.GetValueOrDefault(session)}, present {view.ReadingCount}, anomalies {view.AnomalyCount}");
            // Each once: never more than was sent, no anomalies from repeats, energy exactly the last register counted.
            Assert.InRange(view.ReadingCount, expected, sent.GetValueOrDefault(session));
            Assert.Equal(0, view.AnomalyCount);
            Assert.Equal(100.0 * view.ReadingCount, view.EnergyWh);
        }

        Output.WriteLine(report.ToString());
        Output.WriteLine($"total: acknowledged {totalAcknowledged}, present {totalPresent}");
        // The watch resumed after each fault: views kept arriving after the kill and after the last graceful stop.
        Assert.Contains(views, v => v.At > killedAt.AddSeconds(5));
        Assert.Contains(views, v => v.At > siloBStoppedAt.AddSeconds(3));
        foreach (var (client, _, _) in ocpp)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_cluster_killed_between_a_stop_and_its_invoice_issues_the_invoice_after_restart_without_the_session_being_read()
    {
        // The follow-ups start 30 s after a stop here, so the kill surely falls between the stop and the invoice.
        string[] slow = ["--Charge:Sessions:FollowUpDelay=00:00:30"];
        var siloA = Silo("silo-a", slow);
        var siloB = Silo("silo-b", slow);
        var gateway = await StartGateway();
        var chargerId = $"FI-{_clusterId}";
        var tariffId = $"ft-{_clusterId}";
        var t0 = DateTime.UtcNow.AddHours(-2);
        using (var put = await gateway.Http.PutAsync($"/v1/tariffs/{tariffId}", new StringContent(
            $$"""{"id":"{{tariffId}}","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":21,"step_size":1}]}]}""", Encoding.UTF8, "application/json")))
        {
            put.EnsureSuccessStatusCode();
        }

        // The charger exists (its credential is made on its first call) before a tariff is assigned to it.
        (await gateway.Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/heartbeat", new { })).EnsureSuccessStatusCode();
        (await gateway.Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/tariff", new { tariffId, effectiveFrom = Iso(t0.AddDays(-1)) })).EnsureSuccessStatusCode();
        using var started = await gateway.Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/sessions", new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = Iso(t0) });
        var session = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["sessionId"]!.GetValue<string>();
        using var stopped = await gateway.Http.PostAsJsonAsync($"/v1/sessions/{session}:stop", new { meterStopWh = 10_000, timestamp = Iso(t0.AddHours(1)), reason = "Local" });
        var stopText = await stopped.Content.ReadAsStringAsync();
        Output.WriteLine($"stop: {(int)stopped.StatusCode} {stopText}");
        var stop = JsonNode.Parse(stopText)!;
        Assert.Equal("SESSION_STATE_COMPLETED", stop["state"]!.GetValue<string>());
        Assert.False(stop["billed"]?.GetValue<bool>() ?? false);

        siloA.KillHard();
        siloB.KillHard();
        Output.WriteLine("both silos killed right after the stop's answer");
        Silo("silo-c");
        Silo("silo-d");

        // Only the invoice is read, by its number (the series' first): the session grain is never asked.
        var billing = new BillingService.BillingServiceClient(gateway.Grpc);
        var number = $"INV-{DateTime.UtcNow.Year}-000001";
        string? invoice = null;
        await Until(async () =>
        {
            try
            {
                invoice = (await billing.GetInvoiceAsync(new GetInvoiceRequest { Number = number })).Data.ToStringUtf8();
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }, "the invoice issued by the reminder", TimeSpan.FromSeconds(120));

        Assert.Contains(session, invoice);
        Assert.Contains("3.63", invoice);
    }
}
