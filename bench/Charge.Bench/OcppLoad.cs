using Microsoft.AspNetCore.Builder;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Silo;
using Microsoft.Extensions.Hosting;

namespace Charge.Bench;

/// <summary>
/// Load run: N simulated OCPP 1.6J charge points, each with one transaction and one CALL in flight at a time,
/// send MeterValues for a fixed time. Reports sustained MeterValues/s and latency percentiles.
///   dotnet run -c Release --project bench/Charge.Bench -- ocpp [--chargers 100] [--seconds 30]
/// It starts the system in this process on free loopback ports (memory storage) and registers the charge points.
/// </summary>
public static class OcppLoad
{
    public static async Task<int> RunAsync(int chargers, int seconds, string protocol = "ocpp1.6")
    {
        var (host, ports, key) = await StartHost(azurite: false);
        var url = $"ws://127.0.0.1:{ports[0]}/ocpp";
        foreach (var version in protocol == "both" ? ["ocpp1.6", "ocpp2.0.1"] : new[] { protocol })
        {
            Console.WriteLine($"OCPP load ({version}): {chargers} charge points, {seconds} s, against {url}");
            var run = Guid.NewGuid().ToString("N")[..6];
            var ids = Enumerable.Range(0, chargers).Select(i => $"LOAD-{run}-{i}").ToArray();
            var credentials = await Register(ids, $"http://127.0.0.1:{ports[1]}", key);
            var result = await Run(url, ids, credentials, seconds, version);
            var elapsed = result.Seconds;
            var all = result.LatenciesMs;
            double P(double q) => Harness.Percentile(all, q);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(version == "ocpp1.6" ? "MeterValues" : "TransactionEvent Updated")} ({version}): {all.Length} in {elapsed:0.0} s = {all.Length / elapsed:0} /s; latency p50 {P(0.50):0.00} ms, p99 {P(0.99):0.00} ms, max {all.LastOrDefault():0.00} ms"));
        }

        await host.StopAsync();
        return 0;
    }

    /// <summary>Where the bench's embedded Azurite keeps its data.</summary>
    public static readonly string AzuriteLocation = Path.Combine(Path.GetTempPath(), "charge-bench-azurite");

    /// <summary>
    /// The system in this process on free loopback ports, memory or Azurite storage, generated tags accepted and the
    /// per-charger rate limit lifted (meant for real chargers), with any further settings; its ports and signing key.
    /// </summary>
    public static async Task<(IHost Host, int[] Ports, string Key)> StartHost(bool azurite, params string[] settings)
    {
        var ports = FreePorts(4);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        IHost host = ChargeSiloHost.Build(
            [
                $"--Charge:Security:Jwt:SigningKey={key}",
                $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[0]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[1]}",
                $"--Charge:Cluster:SiloPort={ports[2]}", $"--Charge:Cluster:GatewayPort={ports[3]}",
                azurite ? "--Charge:Storage:Provider=Auto" : "--Charge:Storage:Provider=Memory",
                $"--Charge:Storage:AzuriteLocation={AzuriteLocation}",
                "--Logging:LogLevel:Default=Warning", "--Charge:Authorization:UnknownTags=Accept",
                "--Charge:RateLimit:PerChargerPerSecond=100000", "--Charge:RateLimit:Burst=100000",
                .. settings,
            ]);
        // The ceiling's no-op service belongs to the bench, not the gateway: mapped into the host it starts.
        ((WebApplication)host).MapGrpcService<BenchGrpcService>();
        await host.StartAsync();
        return (host, ports, key);
    }

    /// <summary>The charge points send MeterValues for a while; every MeterValues answered counts.</summary>
    public static async Task<Harness.LoadResult> Run(string url, string[] ids, string[] credentials, int seconds, string protocol = "ocpp1.6")
    {
        var latencies = new List<double>[ids.Length];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ids.Length).Select(i => protocol == "ocpp2.0.1"
            ? Station201($"{url}/{ids[i]}", credentials[i], latencies[i] = [], stop.Token)
            : Charger($"{url}/{ids[i]}", credentials[i], latencies[i] = [], stop.Token)));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Harness.LoadResult(all.Length, clock.Elapsed.TotalSeconds, all);
    }

    public static string OperatorToken(string key)
    {
        var jwt = new Charge.Gateway.Security.JwtOptions { SigningKey = key };
        return Charge.Gateway.Security.TokenIssuer.Mint(jwt, Charge.Gateway.Security.SigningKeys.Resolve(jwt)!, "operator", "bench", [], TimeSpan.FromHours(1));
    }

    /// <summary>Registers the charge points with an operator token and returns each one's Basic authorization.</summary>
    public static async Task<string[]> Register(string[] ids, string grpcUrl, string key)
    {
        var token = OperatorToken(key);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(grpcUrl);
        var registry = new Charge.Api.V1.ChargerService.ChargerServiceClient(channel);
        var header = new Grpc.Core.Metadata { { "authorization", $"Bearer {token}" } };
        var result = new string[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var registered = await registry.RegisterChargerAsync(new Charge.Api.V1.RegisterChargerRequest { ChargerId = ids[i], ConnectorCount = 1 }, header);
            result[i] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ids[i]}:{registered.Secret}"));
        }

        return result;
    }

    /// <summary>
    /// Sessions at a realistic pace, for start and stop latency: every charge point starts a transaction, sends
    /// <paramref name="readings"/> MeterValues <paramref name="interval"/> apart, stops, and starts the next, for a
    /// while; the charge points' cycles are spread over the first interval. Starts, stops and MeterValues are timed apart.
    /// </summary>
    public static async Task<int> SessionsAsync(int chargers, int seconds, bool azurite, int readings, TimeSpan interval)
    {
        var (host, ports, key) = await StartHost(azurite);
        var url = $"ws://127.0.0.1:{ports[0]}/ocpp";
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, chargers).Select(i => $"CYC-{run}-{i}").ToArray();
        Console.WriteLine($"OCPP sessions: {chargers} charge points on {(azurite ? "Azurite" : "memory")}, {readings} MeterValues {interval.TotalSeconds:0.#} s apart per session, {seconds} s");
        var credentials = await Register(ids, $"http://127.0.0.1:{ports[1]}", key);
        var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await Task.WhenAll(Enumerable.Range(0, chargers).Select(i => Task.Run(async () =>
        {
            await Task.Delay(interval * i / chargers);
            await Cycles($"{url}/{ids[i]}", credentials[i], readings, interval, timings, stop.Token);
        })));
        foreach (var (action, bag) in timings.OrderBy(t => t.Key))
        {
            var all = bag.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{action,-16} {all.Length,7}  p50 {Harness.Percentile(all, 0.50),8:0.00} ms  p99 {Harness.Percentile(all, 0.99),8:0.00} ms  max {all.LastOrDefault(),8:0.00} ms"));
        }

        // Where the time went: the storage calls' mean time and count per store, from the system's own metrics.
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorToken(key));
            var text = await http.GetStringAsync($"http://127.0.0.1:{ports[0]}/metrics");
            var sums = new Dictionary<string, double>();
            var counts = new Dictionary<string, double>();
            foreach (var line in text.Split('\n'))
            {
                var m = System.Text.RegularExpressions.Regex.Match(line, @"^charge_storage_duration_milliseconds_(sum|count)\{.*store=""([^""]+)"".*\} ([0-9.eE+-]+)");
                if (m.Success)
                {
                    (m.Groups[1].Value == "sum" ? sums : counts)[m.Groups[2].Value] = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                }
            }

            foreach (var (store, count) in counts.OrderByDescending(c => c.Value))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage {store,-24} {count,8:0} calls, mean {sums[store] / count,8:0.0} ms"));
            }
        }

        await host.StopAsync();
        return 0;
    }

    public static string Iso(DateTime d) => d.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static async Task Cycles(string uri, string authorization, int readings, TimeSpan interval,
        ConcurrentDictionary<string, ConcurrentBag<double>> timings, CancellationToken stop)
    {
        using var socket = await BenchChargePoint.Connect(uri, authorization);
        async Task<JsonArray> Call(string action, JsonObject payload)
        {
            var frame = await socket.Call(action, payload, timings);
            if (frame[0]!.GetValue<int>() != 3 && timings[action + " (error)"].Count <= 2)
            {
                Console.WriteLine($"{action} refused: {frame.ToJsonString()}");
            }

            return frame;
        }

        await Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Bench", ["chargePointModel"] = "Cycles" });
        var register = 0;
        while (!stop.IsCancellationRequested)
        {
            var t = DateTime.UtcNow;
            var start = await Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "CYCLE", ["meterStart"] = register, ["timestamp"] = Iso(t) });
            if (start[0]!.GetValue<int>() != 3)
            {
                await Task.Delay(interval, CancellationToken.None);
                continue;
            }

            var tx = start[2]!["transactionId"]!.GetValue<int>();
            for (var r = 0; r < readings && !stop.IsCancellationRequested; r++)
            {
                await Task.Delay(interval, CancellationToken.None);
                register += 50;
                await Call("MeterValues", new JsonObject
                {
                    ["connectorId"] = 1, ["transactionId"] = tx,
                    ["meterValue"] = new JsonArray(new JsonObject
                    {
                        ["timestamp"] = Iso(DateTime.UtcNow),
                        ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = register.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" }),
                    }),
                });
            }

            await Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = register, ["timestamp"] = Iso(DateTime.UtcNow) });
        }

        await socket.Close();
    }

    private static async Task Charger(string uri, string authorization, List<double> latencies, CancellationToken stop)
    {
        using var socket = await BenchChargePoint.Connect(uri, authorization);
        Task<JsonArray> Call(string action, JsonObject payload) => socket.Call(action, payload);

        var t = DateTime.UtcNow.AddHours(-2);
        await Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Bench", ["chargePointModel"] = "Load" });
        var start = await Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "LOAD", ["meterStart"] = 0, ["timestamp"] = Iso(t) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();
        var register = 0;
        var watch = new Stopwatch();
        while (!stop.IsCancellationRequested)
        {
            t = t.AddSeconds(1);
            register += 3;
            watch.Restart();
            var reply = await Call("MeterValues", new JsonObject
            {
                ["connectorId"] = 1, ["transactionId"] = tx,
                ["meterValue"] = new JsonArray(new JsonObject
                {
                    ["timestamp"] = Iso(t),
                    ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = register.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" }),
                }),
            });
            if (reply[0]!.GetValue<int>() != 3)
            {
                throw new InvalidOperationException($"MeterValues refused: {reply.ToJsonString()}");
            }

            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        await Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = register, ["timestamp"] = Iso(t.AddSeconds(1)) });
        await socket.Close();
    }

    /// <summary>An OCPP 2.0.1 station: one transaction, a TransactionEvent Updated with the register each round.</summary>
    private static async Task Station201(string uri, string authorization, List<double> latencies, CancellationToken stop)
    {
        using var socket = await BenchChargePoint.Connect(uri, authorization, "ocpp2.0.1");
        var t = DateTime.UtcNow.AddHours(-2);
        var tx = Guid.NewGuid().ToString("N");
        var seqNo = 0;
        var register = 0;
        JsonObject Event(string type, string trigger, string? context)
        {
            var sample = new JsonObject { ["value"] = register, ["measurand"] = "Energy.Active.Import.Register" };
            if (context is not null)
            {
                sample["context"] = context;
            }

            var e = new JsonObject
            {
                ["eventType"] = type, ["timestamp"] = Iso(t), ["triggerReason"] = trigger, ["seqNo"] = seqNo++,
                ["transactionInfo"] = new JsonObject { ["transactionId"] = tx }, ["evse"] = new JsonObject { ["id"] = 1 },
                ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = Iso(t), ["sampledValue"] = new JsonArray(sample) }),
            };
            if (type == "Started")
            {
                e["idToken"] = new JsonObject { ["idToken"] = "LOAD", ["type"] = "ISO14443" };
            }

            return e;
        }

        await socket.Call("BootNotification", new JsonObject { ["reason"] = "PowerUp", ["chargingStation"] = new JsonObject { ["vendorName"] = "Bench", ["model"] = "Load" } });
        await socket.Call("TransactionEvent", Event("Started", "Authorized", "Transaction.Begin"));
        var watch = new Stopwatch();
        while (!stop.IsCancellationRequested)
        {
            t = t.AddSeconds(1);
            register += 3;
            watch.Restart();
            var reply = await socket.Call("TransactionEvent", Event("Updated", "MeterValuePeriodic", null));
            if (reply[0]!.GetValue<int>() != 3)
            {
                throw new InvalidOperationException($"TransactionEvent refused: {reply.ToJsonString()}");
            }

            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        t = t.AddSeconds(1);
        await socket.Call("TransactionEvent", Event("Ended", "StopAuthorized", "Transaction.End"));
        await socket.Close();
    }

    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
