using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Charge.Bench;

/// <summary>
/// A boot storm: N registered OCPP 1.6J charge points, their grains cold (as after a restart of the system), connect at
/// once, each sending BootNotification and a StatusNotification per connector (0 and its one connector), as chargers do when their
/// central system comes back. Every answer is timed against the charge point's 30 s call timeout; then a few chargers
/// start a transaction, to see whether the first starts after the storm run at normal latency.
///   dotnet run -c Release --project bench/Charge.Bench -- storm --chargers 1000 [--storage azurite]
/// </summary>
public static class BootStorm
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(int chargers, bool azurite)
    {
        var (host, ports, key) = await OcppLoad.StartHost(azurite);
        await using var probe = azurite ? new StoreStallProbe(OcppLoad.AzuriteLocation) : null;
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = Enumerable.Range(0, chargers).Select(i => $"STORM-{run}-{i}").ToArray();
        var credentials = await NetworkLoad.RegisterAll(ids, $"http://127.0.0.1:{ports[1]}", key);
        var url = $"ws://127.0.0.1:{ports[0]}/ocpp";

        // A quiet start first: how long a StartTransaction takes when nothing else runs.
        var quiet = await Starts(url, ids[..20], credentials[..20], "quiet");

        // First boot: chargers never seen over OCPP (their first connection after registration), all at once.
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var first = await Storm("first boot", url, ids, credentials, management, probe);
        foreach (var socket in first)
        {
            socket?.Dispose();
        }

        // A restart: every socket closed (the chargers see their central system go), then they all come back at once.
        await Task.Delay(5000);
        var sockets = await Storm("reboot after a restart", url, ids, credentials, management, probe);

        // The first transactions after the storm, on chargers that took part in it.
        var after = await Starts(url, ids[^20..], credentials[^20..], "after the storm");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"StartTransaction p50 quiet {quiet:0.0} ms, after the storm {after:0.0} ms"));
        foreach (var socket in sockets)
        {
            socket?.Dispose();
        }

        await host.StopAsync();
        return 0;
    }

    /// <summary>Cold grains (every idle activation collected), then every charge point connects and boots at once.</summary>
    private static async Task<BenchChargePoint?[]> Storm(string what, string url, string[] ids, string[] credentials, IManagementGrain management, StoreStallProbe? probe)
    {
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Task.Delay(2000);
        var before = await management.GetTotalActivationCount();
        Console.WriteLine($"Boot storm, {what}: {ids.Length} charge points, cold ({before} activations left), Boot + 2 StatusNotification each, all at once");
        probe?.Period();
        var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var timedOut = new ConcurrentDictionary<string, int>();
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var sockets = await Task.WhenAll(ids.Select(async (id, i) =>
        {
            try
            {
                var socket = await BenchChargePoint.Connect($"{url}/{id}", credentials[i]);
                await Timed(socket, "BootNotification", new JsonObject { ["chargePointVendor"] = "Bench", ["chargePointModel"] = "Storm" }, timings, timedOut);
                for (var connector = 0; connector <= 1; connector++)
                {
                    await Timed(socket, "StatusNotification", new JsonObject { ["connectorId"] = connector, ["errorCode"] = "NoError", ["status"] = "Available" }, timings, timedOut);
                }

                return socket;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.Increment(ref failed);
                return null;
            }
        }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  answered in {clock.Elapsed.TotalSeconds:0.0} s; {failed} charge points failed; past the 30 s timeout: {(timedOut.IsEmpty ? "none" : string.Join(", ", timedOut.Select(t => $"{t.Key} {t.Value}")))}"));
        foreach (var (action, bag) in timings.OrderBy(t => t.Key))
        {
            var all = bag.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {action,-20} {all.Length,6}  p50 {Harness.Percentile(all, 0.5),8:0.0} ms  p99 {Harness.Percentile(all, 0.99),8:0.0} ms  max {all.LastOrDefault(),8:0} ms"));
        }

        if (probe is not null)
        {
            Console.WriteLine($"  {probe.Period()}");
        }

        return sockets;
    }

    /// <summary>StartTransaction on each of the chargers (one at a time, on fresh sockets): the median in ms.</summary>
    private static async Task<double> Starts(string url, string[] ids, string[] credentials, string what)
    {
        var times = new List<double>();
        for (var i = 0; i < ids.Length; i++)
        {
            using var socket = await BenchChargePoint.Connect($"{url}/{ids[i]}", credentials[i]);
            var watch = Stopwatch.StartNew();
            var reply = await socket.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = $"T{i}", ["meterStart"] = 0, ["timestamp"] = OcppLoad.Iso(DateTime.UtcNow) });
            times.Add(watch.Elapsed.TotalMilliseconds);
            var tx = reply[2]!["transactionId"]!.GetValue<int>();
            await socket.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 10, ["timestamp"] = OcppLoad.Iso(DateTime.UtcNow) });
        }

        var sorted = times.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  StartTransaction {what}: p50 {Harness.Percentile(sorted, 0.5):0.0} ms, max {sorted[^1]:0.0} ms"));
        return Harness.Percentile(sorted, 0.5);
    }

    /// <summary>A CALL timed by the charge point's own overload (CALLERRORs apart), and counted when it outlived the call timeout.</summary>
    private static async Task Timed(BenchChargePoint socket, string action, JsonObject payload,
        ConcurrentDictionary<string, ConcurrentBag<double>> timings, ConcurrentDictionary<string, int> timedOut)
    {
        var call = socket.Call(action, payload, timings);
        if (await Task.WhenAny(call, Task.Delay(CallTimeout)) != call)
        {
            timedOut.AddOrUpdate(action, 1, (_, n) => n + 1);
        }

        await call;
    }
}
