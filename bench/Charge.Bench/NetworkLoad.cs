using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Charge.Bench;

/// <summary>
/// A realistic network on one gateway: N OCPP 1.6J charge points stay connected, each running session after session
/// with MeterValues every interval and a heartbeat every minute. The charge points run in a child process, so this
/// process's memory is the system's alone: per connection, per open session, over the steady run (flat or growing
/// with completed sessions), and the time of a graceful shutdown with every socket still open.
///   ulimit -n 65536; dotnet run -c Release --project bench/Charge.Bench -- network [--chargers 20000] [--minutes 30]
/// </summary>
public static class NetworkLoad
{
    private const string ClientsCommand = "network-clients";

    public static async Task<int> RunAsync(int chargers, int minutes, int intervalSeconds, int readings, int spreadSeconds, bool azurite)
    {
        var (host, ports, key) = await OcppLoad.StartHost(azurite);
        // On Azurite, how long the store keeps a request of nobody's waiting: its own stalls, apart from our load.
        await using var probe = azurite ? new StoreStallProbe(OcppLoad.AzuriteLocation) : null;
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, chargers).Select(i => $"NET-{run}-{i}").ToArray();
        Console.WriteLine($"Network: {chargers} charge points on {(azurite ? "Azurite" : "memory")}, MeterValues every {intervalSeconds} s, {readings} per session, first starts over {spreadSeconds} s, heartbeat every 60 s, {minutes} min steady, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");
        var credentials = await RegisterAll(ids, $"http://127.0.0.1:{ports[1]}", key);
        var file = Path.Combine(Path.GetTempPath(), $"charge-network-{run}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(ids.Zip(credentials).Select(p => new[] { p.First, p.Second })));

        var idle = await Managed();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"before connecting: {idle / 1e6:0.0} MB managed, {Environment.WorkingSet / 1e6:0.0} MB working set"));
        // This same program, through its app host or through dotnet with its assembly.
        var self = Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet" ? $"\"{typeof(NetworkLoad).Assembly.Location}\" " : "";
        using var clients = Process.Start(new ProcessStartInfo(Environment.ProcessPath!,
            $"{self}{ClientsCommand} --url ws://127.0.0.1:{ports[0]}/ocpp --file \"{file}\" --minutes {minutes} --interval {intervalSeconds} --readings {readings} --spread {spreadSeconds}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;

        // Activations show what stays in memory apart from the store: with memory storage the store itself (every
        // grain's state, the archive) grows with the day by design.
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var samples = new List<(double Minute, double ManagedMb, double WorkingMb, string Phase)>();
        // The collector's pauses over each phase: a blocked process delays every call in flight.
        using var collections = new AllocationSampler();
        collections.Start();
        var clock = Stopwatch.StartNew();
        var periodStarted = clock.Elapsed;
        string? line;
        string? report = null;
        while ((line = await clients.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith("phase ", StringComparison.Ordinal))
            {
                // The clients name a phase when it begins (connected, sessions open) and each steady minute.
                var gc = collections.Period((clock.Elapsed - periodStarted).TotalSeconds);
                periodStarted = clock.Elapsed;
                var managed = await Managed();
                var activations = await management.GetTotalActivationCount();
                samples.Add((clock.Elapsed.TotalMinutes, managed / 1e6, Environment.WorkingSet / 1e6, line[6..]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalMinutes,6:0.0} min  {line[6..],-28} {managed / 1e6,8:0.0} MB managed  {Environment.WorkingSet / 1e6,8:0.0} MB working set  {activations,7} grain activations"));
                Console.WriteLine($"            {gc}");
                if (probe is not null)
                {
                    Console.WriteLine($"            {probe.Period()}");
                }
            }
            else if (line.StartsWith("report ", StringComparison.Ordinal))
            {
                report = line[7..];
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        await clients.WaitForExitAsync();
        Console.WriteLine(report ?? "(the clients gave no report)");
        if (probe is not null)
        {
            Console.WriteLine($"whole run: {probe.Whole()}");
        }
        var connected = samples.FirstOrDefault(s => s.Phase == "connected");
        var open = samples.FirstOrDefault(s => s.Phase == "sessions open");
        if (connected != default && open != default)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"per connection (booted, no session): {(connected.ManagedMb * 1e6 - idle) / chargers:0} B managed; per open session beyond: {(open.ManagedMb - connected.ManagedMb) * 1e6 / chargers:0} B"));
        }

        var steady = samples.Where(s => s.Phase.StartsWith("steady", StringComparison.Ordinal)).ToList();
        if (steady.Count >= 2)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"steady run: managed {steady[0].ManagedMb:0.0} -> {steady[^1].ManagedMb:0.0} MB, working set {steady[0].WorkingMb:0.0} -> {steady[^1].WorkingMb:0.0} MB over {steady[^1].Minute - steady[0].Minute:0.0} min"));
        }

        // The background measure against the blocking one, once, when the load has ended.
        var background = await Managed();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"managed at the end: {background / 1e6:0.0} MB after a background full collection, {GC.GetTotalMemory(forceFullCollection: true) / 1e6:0.0} MB after a blocking one"));

        // What stays activated at the end, by grain type: completed sessions should not be among it.
        var byType = (await management.GetSimpleGrainStatistics())
            .GroupBy(g => g.GrainType).Select(g => (Type: g.Key, Count: g.Sum(x => x.ActivationCount)))
            .OrderByDescending(g => g.Count).Take(10);
        Console.WriteLine("activations at the end: " + string.Join(", ", byType.Select(t => $"{t.Type.Split(',')[0].Split('.')[^1]} {t.Count}")));

        // The clients left their sockets open (a server restarts under connected chargers): the shutdown closes them.
        var stopping = Stopwatch.StartNew();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await host.StopAsync(limit.Token);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"graceful shutdown with {chargers} sockets open: {stopping.Elapsed.TotalSeconds:0.0} s"));
        File.Delete(file);
        return 0;
    }

    /// <summary>
    /// Managed bytes in use after a full collection: what stays, not what is waiting to be collected. The collection
    /// runs in the background: a blocking one (<c>GC.GetTotalMemory(true)</c>, as this run did before) paused the whole
    /// process for about 190 ms at every sample (2026-12-04, 200 MB heap), and the calls in flight, whose latency
    /// this run measures, waited it out.
    /// </summary>
    private static async Task<long> Managed()
    {
        // Background when the GC is concurrent (the default); the runtime may still make it a blocking one. Its
        // figures are there once it has ended (the collection count goes up when it starts).
        var background = GC.GetGCMemoryInfo(GCKind.Background).Index;
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        for (var waited = 0; waited < 60_000; waited += 5)
        {
            var done = GC.GetGCMemoryInfo(GCKind.Background);
            if (done.Index == background)
            {
                done = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            }

            if (done.Index != background && done.Index != blocking)
            {
                return done.HeapSizeBytes - done.FragmentedBytes;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("the full collection asked for did not end within a minute");
    }

    public static async Task<string[]> RegisterAll(string[] ids, string grpcUrl, string key)
    {
        var result = new string[ids.Length];
        var chunks = ids.Select((id, i) => (id, i)).Chunk(Math.Max(1, ids.Length / 16));
        await Task.WhenAll(chunks.Select(async chunk =>
        {
            var credentials = await OcppLoad.Register([.. chunk.Select(c => c.id)], grpcUrl, key);
            for (var j = 0; j < chunk.Length; j++)
            {
                result[chunk[j].i] = credentials[j];
            }
        }));
        return result;
    }

    /// <summary>The child process: the charge points themselves. Writes phases and a final report line to stdout.</summary>
    public static async Task<int> ClientsAsync(string url, string file, int minutes, int intervalSeconds, int readings, int spreadSeconds)
    {
        var pairs = JsonSerializer.Deserialize<string[][]>(await File.ReadAllTextAsync(file))!;
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var sockets = new BenchChargePoint[pairs.Length];
        var booted = 0;
        var started = 0;
        var completed = 0;
        var dropped = 0;

        // Connect and boot, a few hundred at a time (a real network reconnects after a restart at about that pace).
        using (var gate = new SemaphoreSlim(200))
        {
            await Task.WhenAll(pairs.Select(async (pair, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    sockets[i] = await BenchChargePoint.Connect($"{url}/{pair[0]}", pair[1]);
                    await sockets[i].Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Bench", ["chargePointModel"] = "Network" }, timings);
                    Interlocked.Increment(ref booted);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        Console.WriteLine("phase connected");
        // The boots are reported now: the steady figures below start when every session is open.
        var boots = Summary(timings);
        foreach (var bag in timings.Values)
        {
            bag.Clear();
        }

        using var stop = new CancellationTokenSource();
        var everyoneStarted = new TaskCompletionSource();
        var runs = pairs.Select((_, i) => Task.Run(async () =>
        {
            // Spread over at least one interval, so the MeterValues arrive evenly; over a session's length, so do the
            // starts and stops (all at once is the thundering herd after an outage, not a day's steady pace).
            await Task.Delay(TimeSpan.FromSeconds(spreadSeconds) * i / pairs.Length);
            var socket = sockets[i];
            var register = 0;
            var lastHeartbeat = Stopwatch.StartNew();
            var first = true;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var startReply = await socket.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = $"T{i % 5000}", ["meterStart"] = register, ["timestamp"] = OcppLoad.Iso(DateTime.UtcNow) }, timings);
                    if (first && Interlocked.Increment(ref started) == pairs.Length)
                    {
                        everyoneStarted.TrySetResult();
                    }

                    first = false;
                    if (startReply[0]!.GetValue<int>() != 3)
                    {
                        await Task.Delay(interval);
                        continue;
                    }

                    var tx = startReply[2]!["transactionId"]!.GetValue<int>();
                    for (var r = 0; r < readings && !stop.IsCancellationRequested; r++)
                    {
                        await Task.Delay(interval);
                        register += 30;
                        await socket.Call("MeterValues", new JsonObject
                        {
                            ["connectorId"] = 1, ["transactionId"] = tx,
                            ["meterValue"] = new JsonArray(new JsonObject
                            {
                                ["timestamp"] = OcppLoad.Iso(DateTime.UtcNow),
                                ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = register.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" }),
                            }),
                        }, timings);
                        if (lastHeartbeat.Elapsed > TimeSpan.FromSeconds(60))
                        {
                            await socket.Call("Heartbeat", new JsonObject(), timings);
                            lastHeartbeat.Restart();
                        }
                    }

                    if (!stop.IsCancellationRequested)
                    {
                        await socket.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = register, ["timestamp"] = OcppLoad.Iso(DateTime.UtcNow) }, timings);
                        Interlocked.Increment(ref completed);
                    }
                }
            }
            catch (WebSocketException e)
            {
                // The central system closed this charge point's socket: counted and reported, the others go on.
                if (Interlocked.Increment(ref dropped) <= 3)
                {
                    Console.WriteLine($"charge point {pairs[i][0]} dropped: {e.Message}");
                }

                if (first && Interlocked.Increment(ref started) == pairs.Length)
                {
                    // It will not start: the others need not wait for it.
                    everyoneStarted.TrySetResult();
                }
            }
        })).ToArray();

        await everyoneStarted.Task;
        Console.WriteLine("phase sessions open");
        foreach (var bag in timings.Values)
        {
            bag.Clear();
        }

        for (var minute = 1; minute <= minutes; minute++)
        {
            await Task.Delay(TimeSpan.FromMinutes(1));
            Console.WriteLine($"phase steady {minute} ({Volatile.Read(ref completed)} done)");
        }

        stop.Cancel();
        await Task.WhenAll(runs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"report {booted} booted ({boots}), {completed} sessions completed, {dropped} sockets closed by the server; steady: {Summary(timings)}"));
        // The sockets stay open: the parent measures a graceful shutdown with its chargers still connected.
        await Console.Out.FlushAsync();
        Environment.Exit(0);
        return 0;
    }

    private static string Summary(ConcurrentDictionary<string, ConcurrentBag<double>> timings)
    {
        var text = new StringBuilder();
        foreach (var (action, bag) in timings.Where(t => !t.Value.IsEmpty).OrderBy(t => t.Key))
        {
            var all = bag.Order().ToArray();
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{action} {all.Length} p50 {Harness.Percentile(all, 0.50):0.0} ms p99 {Harness.Percentile(all, 0.99):0.0} ms max {all.LastOrDefault():0} ms; "));
        }

        return text.ToString().TrimEnd(' ', ';');
    }
}
