using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// Azurite, Redis, two silos and a gateway as separate processes on loopback. Sessions run through the gateway,
/// one silo is SIGKILLed mid-session, the sessions go on and stop; then the whole cluster restarts.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output) : ProcessTest(output)
{
    private const int Sessions = 10;
    private const int RoundsBeforeKill = 4;
    private const int Rounds = 10;

    private readonly string _clusterId = $"kill-{Guid.NewGuid():N}"[..16];
    private int _retries;

    [Fact]
    public async Task No_session_is_lost_or_duplicated_and_energy_is_exact_when_a_silo_is_killed_and_the_cluster_restarts()
    {
        var siloA = StartSilo("silo-a");
        var siloB = StartSilo("silo-b");
        var (gateway, channel) = await StartGateway("gateway-1");
        var station = new StationService.StationServiceClient(channel);
        var sessions = new SessionService.SessionServiceClient(channel);
        var t0 = DateTime.UtcNow.AddHours(-1);
        var idTag = $"TAG-{_clusterId}";
        var ids = Enumerable.Range(0, Sessions).Select(i => (Charger: $"CP-{_clusterId}-{i}", Session: $"CP-{_clusterId}-{i}~S-{_clusterId}-{i}")).ToArray();
        const double startWh = 100_000;

        foreach (var (charger, session) in ids)
        {
            await Retry(() => station.StartSessionAsync(new StartSessionRequest
            {
                ChargerId = charger, ConnectorId = 1, IdTag = idTag, MeterStartWh = startWh, SessionId = session, Timestamp = Timestamp.FromDateTime(t0),
            }, deadline: Deadline()).ResponseAsync);
        }

        async Task Round(int k)
        {
            foreach (var (charger, session) in ids)
            {
                await Retry(() => station.ReportMeterValuesAsync(new ReportMeterValuesRequest
                {
                    ChargerId = charger,
                    SessionId = session,
                    Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(t0.AddMinutes(k)), EnergyWh = startWh + 500 * k, PowerW = 30_000 } },
                }, deadline: Deadline()).ResponseAsync);
            }
        }

        for (var k = 1; k <= RoundsBeforeKill; k++)
        {
            await Round(k);
        }

        // No waiting: an acknowledged reading is in storage the moment its answer arrives.
        siloA.KillHard();
        Output.WriteLine("silo-a killed");

        for (var k = RoundsBeforeKill + 1; k <= Rounds; k++)
        {
            await Round(k);
        }

        var stopWh = startWh + 500 * Rounds + 250;
        foreach (var (charger, session) in ids)
        {
            await Retry(() => station.StopSessionAsync(new StopSessionRequest
            {
                ChargerId = charger, SessionId = session, MeterStopWh = stopWh, Reason = "Local", Timestamp = Timestamp.FromDateTime(t0.AddMinutes(Rounds + 1)),
            }, deadline: Deadline()).ResponseAsync);
        }

        var final = new Dictionary<string, Session>();
        foreach (var (charger, session) in ids)
        {
            Session view = null!;
            await Until(async () => (view = await Get(sessions, session)).State == SessionState.Completed, $"{session} completed");
            final[session] = view;
            var listed = await Retry(() => sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = charger }, deadline: Deadline()).ResponseAsync);
            Assert.Equal([session], listed.Sessions.Select(s => s.SessionId));
        }

        var byTag = await Retry(() => sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = idTag, PageSize = 100 }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(ids.Select(i => i.Session).Order(), byTag.Sessions.Select(s => s.SessionId).Order());
        foreach (var view in final.Values)
        {
            Assert.Equal(stopWh - startWh, view.EnergyWh);
            Assert.Equal(stopWh - startWh, view.Slots.Sum(s => s.EnergyWh), 6);
            // Every acknowledged reading is in the session, each once however often it was retried during fail-over.
            Assert.Equal(Rounds, view.ReadingCount);
            Assert.True(view.AnomalyCount == 0, $"{view.SessionId}: {string.Join("; ", view.Anomalies.Select(a => $"{a.Kind} {a.ReadingTimestamp} {a.EnergyWh}: {a.Detail}"))}");
        }

        Output.WriteLine($"calls retried during fail-over: {_retries}");

        // A full restart of the cluster: graceful stops, new processes, the same sessions.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await gateway.StopAsync(TimeSpan.FromSeconds(20));
        await siloB.StopAsync(TimeSpan.FromSeconds(30));
        Output.WriteLine($"graceful stop of gateway and silo-b took {stopping.Elapsed.TotalSeconds:0.0} s");
        Assert.True(siloB.HasExited, "silo-b did not stop");
        StartSilo("silo-c");
        StartSilo("silo-d");
        var (_, channel2) = await StartGateway("gateway-2");
        var sessions2 = new SessionService.SessionServiceClient(channel2);
        foreach (var (_, session) in ids)
        {
            var again = await Get(sessions2, session);
            Assert.Equal(SessionState.Completed, again.State);
            Assert.Equal(final[session].EnergyWh, again.EnergyWh);
            Assert.Equal(final[session].ReadingCount, again.ReadingCount);
            Assert.Equal(final[session].Slots.Select(s => s.EnergyWh), again.Slots.Select(s => s.EnergyWh));
        }
    }

    private ChargeProcess StartSilo(string name)
    {
        var ports = DevService.FreePorts(2);
        var silo = ChargeProcess.Start(name, "Silo", "Charge.Silo",
        [
            "--Charge:Silo:HostGateway=false",
            $"--Charge:Cluster:SiloPort={ports[0]}",
            $"--Charge:Cluster:GatewayPort={ports[1]}",
            .. ClusterArgs(),
            "--Charge:Storage:Provider=AzureBlob",
            $"--Charge:Storage:ConnectionString={AzuriteService.ConnectionString}",
            "--Charge:Sessions:StopGracePeriod=00:00:03",
            // Declare a dead silo in seconds, not the production default of about a minute.
            "--Charge:Cluster:Membership:ProbeTimeout=00:00:01",
            "--Charge:Cluster:Membership:NumMissedProbesLimit=2",
            "--Charge:Cluster:Membership:NumVotesForDeathDeclaration=1",
            // A silo killed just before a full restart may not have been declared dead yet; the restarted silos can
            // only join once its "I am alive" is stale (Orleans' default: 3 x 30 s). Seconds here, like the probes.
            "--Charge:Cluster:Membership:IAmAliveTablePublishTimeout=00:00:02",
            "--Charge:Cluster:Membership:NumMissedTableIAmAliveLimit=2",
            "--Charge:Cluster:Membership:TableRefreshTimeout=00:00:02",
        ]);
        Processes.Add(silo);
        return silo;
    }

    private async Task<(ChargeProcess Gateway, CallInvoker Channel)> StartGateway(string name)
    {
        var ports = DevService.FreePorts(2);
        var gateway = ChargeProcess.Start(name, "Gateway", "Charge.Gateway",
        [
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[0]}",
            $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[1]}",
            // Re-read the silo gateways every 2 s (Orleans' default: 1 min) so a restarted cluster is found quickly.
            "--Charge:Cluster:Gateways:GatewayListRefreshPeriod=00:00:02",
            .. ClusterArgs(),
            .. Security.HostArgs,
        ]);
        Processes.Add(gateway);
        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}");
        var channel = raw.Intercept(new TestSecurity.Interceptor(Security, raw.CreateCallInvoker));
        var sessions = new SessionService.SessionServiceClient(channel);
        // Ready when the cluster answers through it: NotFound for a session that does not exist.
        await Until(async () =>
        {
            try
            {
                await sessions.GetSessionAsync(new GetSessionRequest { SessionId = "probe" }, deadline: Deadline());
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        }, $"{name} ready", TimeSpan.FromSeconds(90));
        return (gateway, channel);
    }

    private string[] ClusterArgs() =>
    [
        "--Charge:Cluster:Provider=Redis",
        $"--Charge:Cluster:RedisConnectionString={RedisService.ConnectionString}",
        $"--Charge:Cluster:ClusterId={_clusterId}",
        "--Charge:Cluster:ResponseTimeout=00:00:05",
        "--Logging:LogLevel:Default=Warning",
        TestSecurity.OpenNetwork,
    ];

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(15);

    private async Task<Session> Get(SessionService.SessionServiceClient sessions, string id) =>
        await Retry(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = id }, deadline: Deadline()).ResponseAsync);

    /// <summary>What a station does: retry what the cluster could not answer while it fails over.</summary>
    private async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (attempt < 120 && e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(500);
            }
        }
    }

}
