using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Bench.Api;
using Charge.Grains.Interfaces;
using Charge.Silo;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using DomainStart = Charge.Grains.Interfaces.StartSessionCommand;
using MeterReading = Charge.Api.V1.MeterReading;

namespace Charge.Bench;

/// <summary>
/// The one-command benchmark: starts the system in this process on loopback and measures, on the same machine and in
/// one run, the no-op gRPC ceiling, end-to-end ingest over gRPC (single and batched) and OCPP, GetSession latency under
/// ingest, memory per open session, and pricing (BenchmarkDotNet, unless --no-pricing). Prints a table and writes
/// bench/results/latest.json.
///   dotnet run -c Release --project bench/Charge.Bench [-- --seconds 10 --workers 64 --sessions 100000 --no-pricing
///                                                        --storage memory|azurite --ack durable|write-behind]
/// </summary>
public static class Harness
{
    /// <summary>
    /// What a run measures: seconds per phase, concurrent callers, open sessions held for the memory phase (null: 2,000
    /// on Azurite, 100,000 on memory), Azurite (the embedded default, started if none listens) or memory, write-behind
    /// acknowledgement (the throughput trade) or durable, and whether pricing runs.
    /// </summary>
    public sealed record Settings(int Seconds, int Workers, int? Sessions, bool Azurite, bool WriteBehind, bool Pricing);

    public static async Task<int> RunAsync(Settings settings)
    {
        var (seconds, workers, azurite, writeBehind) = (settings.Seconds, settings.Workers, settings.Azurite, settings.WriteBehind);
        var openSessions = settings.Sessions ?? (azurite ? 2_000 : 100_000);
        var results = new JsonObject
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            ["at"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["seconds_per_run"] = seconds,
            ["workers"] = workers,
            ["storage"] = azurite ? "azurite" : "memory",
            ["acknowledge"] = writeBehind ? "write-behind" : "durable",
            ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
        };

        var (system, ports, key) = await OcppLoad.StartHost(azurite,
            writeBehind ? "--Charge:Sessions:Acknowledge=WriteBehind" : "--Charge:Sessions:Acknowledge=Durable");
        using var host = system;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
        var run = Guid.NewGuid().ToString("N")[..6];
        var chargers = Enumerable.Range(0, workers).Select(i => $"B{run}-{i}").ToArray();
        var auth = await OcppLoad.Register(chargers, $"http://127.0.0.1:{ports[1]}", key);
        var operatorHeader = new Metadata { { "authorization", "Bearer " + OcppLoad.OperatorToken(key) } };
        using var allocations = new AllocationSampler();
        var duration = TimeSpan.FromSeconds(seconds);

        // 1. The ceiling, once the path it shares with ingest (Kestrel, gRPC, authentication) is compiled at its final
        // tier: measured cold, it came out at 6.5-8.2 k/s against 17-27 k/s warm, and the ingest share with it.
        var bench = new BenchService.BenchServiceClient(channel);
        Func<int, CancellationToken, Task<int>> noopCall = async (i, _) =>
        {
            await bench.NoopAsync(new Empty(), new Metadata { { "authorization", auth[i] } });
            return 1;
        };
        await Load(workers, TimeSpan.FromSeconds(Math.Min(5, seconds)), noopCall);
        allocations.Start();
        var noop = await Load(workers, duration, noopCall);
        Report(results, "noop_grpc", "calls", noop);
        results["noop_grpc"]!["allocations"] = allocations.Stop(noop.Count, noop.Seconds);

        // 1b. On Azurite, the store's own rate from this process, in the same run: what durable ingest is held against.
        if (azurite)
        {
            results["azurite_raw"] = await RawStoreRate(workers, duration, run);
        }

        // 2. End-to-end ingest, one reading per call, with GetSession sampled meanwhile; 3. the same, ten per call.
        var station = new StationService.StationServiceClient(channel);
        var sessions = new SessionService.SessionServiceClient(channel);
        foreach (var (name, perCall) in new[] { ("ingest_grpc_single", 1), ("ingest_grpc_batched_10", 10) })
        {
            var ids = new string[workers];
            var registers = new long[workers];
            var start = DateTime.UtcNow.AddHours(-6);
            for (var i = 0; i < workers; i++)
            {
                var started = await station.StartSessionAsync(new StartSessionRequest
                {
                    ChargerId = chargers[i], ConnectorId = 1, IdTag = "BENCH", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(start),
                }, new Metadata { { "authorization", auth[i] } });
                ids[i] = started.SessionId;
            }

            // GetSession sampled during the run at a fixed 50 per second. Called back to back, as this run did until
            // 2026-12-07, the reads were 1,500-21,000 calls competing for the two cores with the ingest being measured
            // (and, on Azurite, with the store's one thread), so the ingest figure was not taken under the same
            // conditions as the raw store rate it is held against.
            var latencies = new ConcurrentBag<double>();
            using var sampling = new CancellationTokenSource();
            var random = new Random(1);
            var sampler = perCall == 1
                ? SampleAt50PerSecond(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = ids[random.Next(ids.Length)] }, operatorHeader).ResponseAsync,
                    latencies, sampling.Token)
                : Task.CompletedTask;
            var clock = Stopwatch.StartNew();
            allocations.Start();
            var ingest = await Load(workers, duration, async (i, _) =>
            {
                var request = new ReportMeterValuesRequest { ChargerId = chargers[i], SessionId = ids[i] };
                for (var r = 0; r < perCall; r++)
                {
                    var n = ++registers[i];
                    request.Readings.Add(new MeterReading { Timestamp = Timestamp.FromDateTime(start.AddSeconds(n)), EnergyWh = n * 3, PowerW = 10_800 });
                }

                await station.ReportMeterValuesAsync(request, new Metadata { { "authorization", auth[i] } });
                return perCall;
            });
            await sampling.CancelAsync();
            await sampler;

            // End to end: until every session has consumed every reading (through the stream, with live cost).
            while (true)
            {
                var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISessionGrain>(id).GetView()));
                if (views.Select((v, i) => v.ReadingCount >= registers[i]).All(x => x))
                {
                    if (views.Any(v => v.Cost is not null))
                    {
                        results["warning"] = "sessions had a tariff";
                    }

                    break;
                }

                await Task.Delay(20);
            }

            var endToEnd = clock.Elapsed.TotalSeconds;
            var e2e = ingest with { Seconds = endToEnd };
            Report(results, name, "readings", e2e);
            results[name]!["allocations"] = allocations.Stop(ingest.Count, endToEnd);
            if (perCall == 1)
            {
                var all = latencies.Order().ToArray();
                results["get_session_under_ingest"] = new JsonObject
                {
                    ["calls"] = all.Length,
                    ["p50_ms"] = Round(Percentile(all, 0.50)),
                    ["p99_ms"] = Round(Percentile(all, 0.99)),
                };
            }

            for (var i = 0; i < workers; i++)
            {
                await station.StopSessionAsync(new StopSessionRequest
                {
                    ChargerId = chargers[i], SessionId = ids[i], MeterStopWh = registers[i] * 3, Timestamp = Timestamp.FromDateTime(start.AddSeconds(registers[i] + 1)), Reason = "Local",
                }, new Metadata { { "authorization", auth[i] } });
            }
        }

        // Live updates at half the measured single-reading ingest rate: acknowledgement to WatchSession update.
        var half = results["ingest_grpc_single"]!["per_second"]!.GetValue<double>() / 2;
        allocations.Start();
        results["live_update_at_half_ingest"] = await LiveUpdates.Measure(station, sessions, chargers, auth, operatorHeader, half, seconds);
        results["live_update_at_half_ingest"]!["allocations"] = allocations.Stop(
            (long)(results["live_update_at_half_ingest"]!["sent_per_second"]!.GetValue<double>() * seconds), seconds);

        // 4. OCPP 1.6J MeterValues, one CALL in flight per charge point.
        var ocppIds = Enumerable.Range(0, workers).Select(i => $"O{run}-{i}").ToArray();
        var ocppAuth = await OcppLoad.Register(ocppIds, $"http://127.0.0.1:{ports[1]}", key);
        var ocpp = await OcppLoad.Run($"ws://127.0.0.1:{ports[0]}/ocpp", ocppIds, ocppAuth, seconds);
        Report(results, "ingest_ocpp", "meter_values", ocpp);

        // 5. Memory per open, idle session, against the same number of empty activations.
        results["memory"] = await Memory(grains, openSessions, run, concurrent: azurite ? 100 : 1000);
        await host.StopAsync();

        // 6. Pricing.
        if (settings.Pricing)
        {
            results["pricing_24h_1min_tod_us"] = PricingRun();
            results["reallocate_1000_sessions_us"] = AllocationRun();
        }

        var ratio = results["ingest_grpc_single"]!["per_second"]!.GetValue<double>() / results["noop_grpc"]!["per_second"]!.GetValue<double>();
        results["ingest_single_vs_noop"] = Round(ratio);
        if (results["azurite_raw"] is { } raw)
        {
            var appendRate = raw["append_block"]!["per_second"]!.GetValue<double>();
            results["ingest_single_vs_raw_append"] = Round(results["ingest_grpc_single"]!["per_second"]!.GetValue<double>() / appendRate);
            results["ingest_ocpp_vs_raw_append"] = Round(results["ingest_ocpp"]!["per_second"]!.GetValue<double>() / appendRate);
        }
        Print(results);
        var folder = Path.Combine(Charge.Hosting.RepositoryLocation.Root() ?? Directory.GetCurrentDirectory(), "bench", "results");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.json"), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"written: {Path.Combine(folder, "latest.json")}");
        return 0;
    }

    /// <summary>
    /// Azurite's raw write rate from this process with as many concurrent writers as the ingest run: each writer appends
    /// one block of a reading's size to its own append blob (what a durable reading costs in our log), then the same as
    /// whole block-blob writes (what a grain state write costs).
    /// </summary>
    private static async Task<JsonObject> RawStoreRate(int workers, TimeSpan duration, string run)
    {
        var container = new Azure.Storage.Blobs.BlobServiceClient(EmbeddedAzurite.ConnectionString).GetBlobContainerClient($"bench-raw-{run}");
        await container.CreateIfNotExistsAsync();
        var line = Encoding.UTF8.GetBytes("{\"C\":\"B000000-0\",\"S\":639000000000000000,\"R\":[{\"T\":\"2026-12-02T12:00:00Z\",\"E\":12345.678,\"P\":10800}]}\n");
        var appendBlobs = Enumerable.Range(0, workers).Select(i => Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetAppendBlobClient(container, $"append-{i}")).ToArray();
        foreach (var blob in appendBlobs)
        {
            await blob.CreateIfNotExistsAsync();
        }

        var appends = await Load(workers, duration, async (i, _) =>
        {
            using var content = new MemoryStream(line);
            await appendBlobs[i].AppendBlockAsync(content);
            return 1;
        });
        var state = new BinaryData(new byte[600]);
        var puts = await Load(workers, duration, async (i, _) =>
        {
            await container.GetBlobClient($"put-{i}").UploadAsync(state, overwrite: true);
            return 1;
        });
        await container.DeleteIfExistsAsync();
        JsonObject Of(LoadResult r) => new()
        {
            ["writes"] = r.Count,
            ["per_second"] = Round(r.Count / r.Seconds),
            ["call_p50_ms"] = Round(Percentile(r.LatenciesMs, 0.50)),
            ["call_p99_ms"] = Round(Percentile(r.LatenciesMs, 0.99)),
        };

        return new JsonObject { ["append_block"] = Of(appends), ["block_blob_put"] = Of(puts) };
    }

    public sealed record LoadResult(long Count, double Seconds, double[] LatenciesMs);

    /// <summary>Runs workers for a while; each call returns how many items it carried.</summary>
    private static async Task<LoadResult> Load(int workers, TimeSpan duration, Func<int, CancellationToken, Task<int>> call)
    {
        using var stop = new CancellationTokenSource(duration);
        var latencies = new List<double>[workers];
        var counts = new long[workers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
        {
            latencies[i] = [];
            var watch = new Stopwatch();
            while (!stop.IsCancellationRequested)
            {
                watch.Restart();
                counts[i] += await call(i, stop.Token);
                latencies[i].Add(watch.Elapsed.TotalMilliseconds);
            }
        })));
        return new LoadResult(counts.Sum(), clock.Elapsed.TotalSeconds, [.. latencies.SelectMany(l => l).Order()]);
    }

    private static void Report(JsonObject results, string name, string unit, LoadResult r) =>
        results[name] = new JsonObject
        {
            [unit] = r.Count,
            ["seconds"] = Round(r.Seconds),
            ["per_second"] = Round(r.Count / r.Seconds),
            ["call_p50_ms"] = Round(Percentile(r.LatenciesMs, 0.50)),
            ["call_p99_ms"] = Round(Percentile(r.LatenciesMs, 0.99)),
        };

    /// <summary>
    /// The memory phase alone: open sessions, then empty activations, and the bytes of each. On Azurite (the embedded
    /// default) grain state is kept out of process; memory storage holds a serialized copy of every state, counted too. With
    /// <paramref name="hold"/>, waits for Enter while the sessions are open, so that a heap dump (dotnet-gcdump collect -p)
    /// shows what an open session holds.
    /// </summary>
    public static async Task<int> MemoryOnlyAsync(int count, bool azurite, bool hold)
    {
        var (system, _, _) = await OcppLoad.StartHost(azurite);
        using var host = system;
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var result = await Memory(grains, count, Guid.NewGuid().ToString("N")[..6], azurite ? 100 : 1000, hold
            ? () =>
            {
                Console.WriteLine($"{count} sessions open in process {Environment.ProcessId}; take a heap dump, then press Enter");
                Console.ReadLine();
            }
            : null);
        Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await host.StopAsync();
        return 0;
    }

    /// <summary>
    /// Managed memory per open idle session against empty activations. The sessions are opened <paramref name="concurrent"/>
    /// at a time: on Azurite, a thousand first writes at once overrun it (the client's retries of a write that had
    /// succeeded then fail their create-only condition).
    /// </summary>
    private static async Task<JsonObject> Memory(IGrainFactory grains, int count, string run, int concurrent, Action? whileOpen = null)
    {
        static long Managed()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        static long WorkingSet()
        {
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }

        const int perCharger = 10;
        var before = (Managed(), WorkingSet());
        var start = DateTime.UtcNow.AddHours(-1);
        async Task Open(int[] sessions)
        {
            foreach (var chunk in sessions.Chunk(concurrent))
            {
                await Task.WhenAll(chunk.Select(n =>
                {
                    var chargerId = $"M{run}-{n / perCharger}";
                    // An id_tag per ten sessions: one tag grain shared by all would serialise every start.
                    return grains.GetGrain<IChargerGrain>(chargerId).StartSession(new DomainStart($"M{run}-s{n}", chargerId, n % perCharger + 1, $"MEM-{n / perCharger}", 0, start));
                }));
            }
        }

        // First one session per charger (which activates the charger and the grains beside it: its history, tag,
        // token, tariff assignment), then the other nine: what a further open session costs on a connected charger.
        var all = Enumerable.Range(0, count).ToArray();
        var first = all.Where(n => n % perCharger == 0).ToArray();
        await Open(first);
        var firstOpen = (Managed(), WorkingSet());
        await Open([.. all.Where(n => n % perCharger != 0)]);
        var after = (Managed(), WorkingSet());
        whileOpen?.Invoke();
        for (var batch = 0; batch < count; batch += 1000)
        {
            await Task.WhenAll(Enumerable.Range(batch, Math.Min(1000, count - batch)).Select(n => grains.GetGrain<IEmptyGrain>($"E{run}-{n}").Touch()));
        }

        var empty = (Managed(), WorkingSet());
        var perSession = (after.Item1 - before.Item1) / (double)count;
        var perEmpty = (empty.Item1 - after.Item1) / (double)count;
        var further = count - first.Length;
        var perFurther = further == 0 ? 0 : (after.Item1 - firstOpen.Item1) / (double)further;
        return new JsonObject
        {
            ["open_sessions"] = count,
            ["chargers"] = first.Length,
            // Everything opened, the chargers and the grains beside them included, over the number of sessions.
            ["managed_bytes_per_session"] = Round(perSession),
            ["working_set_bytes_per_session"] = Round((after.Item2 - before.Item2) / (double)count),
            ["managed_bytes_per_empty_activation"] = Round(perEmpty),
            ["managed_bytes_per_session_beyond_activation"] = Round(perSession - perEmpty),
            // A charger with its first session open (the charger's grains and that session).
            ["managed_bytes_per_charger_with_one_session"] = Round((firstOpen.Item1 - before.Item1) / (double)first.Length),
            // Each further session on a charger already connected: the session's own cost.
            ["managed_bytes_per_further_session"] = Round(perFurther),
            ["managed_bytes_per_further_session_beyond_activation"] = Round(perFurther - perEmpty),
        };
    }

    private static double PricingRun()
    {
        var summary = BenchmarkDotNet.Running.BenchmarkRunner.Run<PricingBenchmarks>();
        var report = summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PricingBenchmarks.Periods));
        return Round(report.ResultStatistics!.Mean / 1000);
    }

    private static double AllocationRun()
    {
        var summary = BenchmarkDotNet.Running.BenchmarkRunner.Run<AllocationBenchmarks>();
        return Round(summary.Reports.Single().ResultStatistics!.Mean / 1000);
    }

    private static void Print(JsonObject results)
    {
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine($"{"measure",-44} {"value",16}  target");
        void Row(string name, string value, string target = "") => table.AppendLine($"{name,-44} {value,16}  {target}");
        string Rate(string key) => $"{results[key]!["per_second"]} /s";
        string Allocations(string key) => results[key]!["allocations"] is { } a
            ? $"{a["allocated_bytes_per_item"]} B / {a["gc_paused_percent"]} %"
            : "";
        Row("no-op gRPC (ceiling)", Rate("noop_grpc"));
        Row("  ... allocated per call (whole process) / GC paused", Allocations("noop_grpc"));
        Row("ingest gRPC, 1 reading/call, end to end", Rate("ingest_grpc_single"), ">= 50% of ceiling");
        Row("  ... as a share of the ceiling", $"{results["ingest_single_vs_noop"]!.GetValue<double>() * 100:0.0} %");
        Row("  ... allocated per reading (whole process) / GC paused", Allocations("ingest_grpc_single"));
        Row("ingest gRPC, 10 readings/call, end to end", Rate("ingest_grpc_batched_10"));
        if (results["azurite_raw"] is { } raw)
        {
            Row("Azurite raw append-block writes (same process)", $"{raw["append_block"]!["per_second"]} /s");
            Row("Azurite raw block-blob puts (same process)", $"{raw["block_blob_put"]!["per_second"]} /s");
            Row("  single-reading ingest / raw append rate", $"{results["ingest_single_vs_raw_append"]} x", ">= 1 x");
            Row("  OCPP ingest / raw append rate", $"{results["ingest_ocpp_vs_raw_append"]} x");
        }

        Row("ingest OCPP MeterValues", Rate("ingest_ocpp"));
        Row("GetSession at 50/s under full ingest p50", $"{results["get_session_under_ingest"]!["p50_ms"]} ms");
        Row("GetSession at 50/s under full ingest p99", $"{results["get_session_under_ingest"]!["p99_ms"]} ms");
        Row("reading acked -> WatchSession update p50 / p99 (half ingest)",
            $"{results["live_update_at_half_ingest"]!["p50_ms"]} / {results["live_update_at_half_ingest"]!["p99_ms"]} ms", "p99 < 20 ms");
        Row("GetSession at 50/s, half ingest, p50 / p99",
            $"{results["live_update_at_half_ingest"]!["get_session_p50_ms"]} / {results["live_update_at_half_ingest"]!["get_session_p99_ms"]} ms", "p99 < 5 ms");
        Row("  ... allocated per reading / GC paused (half ingest)", Allocations("live_update_at_half_ingest"));
        Row("memory per open session (managed)", $"{results["memory"]!["managed_bytes_per_session"]} B");
        Row("  ... beyond an empty activation", $"{results["memory"]!["managed_bytes_per_session_beyond_activation"]} B", "< 2048 B");
        if (results["pricing_24h_1min_tod_us"] is { } pricing)
        {
            Row("pricing 24 h, 1 reading/min, 6-element ToD", $"{pricing} us", "< 50 us");
        }

        if (results["reallocate_1000_sessions_us"] is { } allocation)
        {
            Row("re-allocate one site's 1,000 sessions", $"{allocation} us");
        }

        Console.WriteLine(table);
    }

    /// <summary>
    /// Times one call every 20 ms until <paramref name="stop"/> (reads under a load, at a fixed rate rather than as fast as
    /// they go, so they do not add load of their own); a call slower than the period delays the next, none is skipped.
    /// </summary>
    public static Task SampleAt50PerSecond(Func<Task> call, ConcurrentBag<double> latencies, CancellationToken stop) => Task.Run(async () =>
    {
        var watch = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            next += TimeSpan.FromMilliseconds(20);
            var started = watch.Elapsed;
            await call();
            latencies.Add((watch.Elapsed - started).TotalMilliseconds);
            if (next - watch.Elapsed is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    });

    public static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static double Round(double value) => Math.Round(value, 3);
}

/// <summary>The smallest grain there is: the yardstick for what an activation costs by itself.</summary>
[Alias("charge.bench.IEmptyGrain")]
public interface IEmptyGrain : IGrainWithStringKey
{
    [Alias("Touch")]
    Task Touch();
}

public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task Touch() => Task.CompletedTask;
}
