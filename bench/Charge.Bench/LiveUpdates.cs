using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Bench;

/// <summary>
/// Live updates: a few sessions are watched (WatchSession, as a driver's app does) while every worker reports readings
/// at a fixed total rate (not at saturation). For each reading of a watched session: the time from its acknowledgement
/// to the first update that shows it (0 when the update came first).
/// </summary>
public static class LiveUpdates
{
    public static async Task<JsonObject> Measure(StationService.StationServiceClient station, SessionService.SessionServiceClient sessions,
        string[] chargers, string[] auth, Metadata operatorHeader, double perSecond, int seconds, int watched = 8)
    {
        var workers = chargers.Length;
        watched = Math.Min(watched, workers);
        var start = DateTime.UtcNow.AddHours(-2);
        var ids = new string[workers];
        for (var i = 0; i < workers; i++)
        {
            ids[i] = (await station.StartSessionAsync(new StartSessionRequest
            {
                ChargerId = chargers[i], ConnectorId = 1, IdTag = "LIVE", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(start),
            }, new Metadata { { "authorization", auth[i] } })).SessionId;
        }

        var clock = Stopwatch.StartNew();
        // Per watched session: when each reading (by its number) was acknowledged, and the highest count seen in an update.
        var acked = Enumerable.Range(0, watched).Select(_ => new ConcurrentDictionary<int, double>()).ToArray();
        var seen = new int[watched];
        var latencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var watchers = Enumerable.Range(0, watched).Select(w => Task.Run(async () =>
        {
            using var call = sessions.WatchSession(new WatchSessionRequest { SessionId = ids[w] }, operatorHeader, cancellationToken: stop.Token);
            try
            {
                await foreach (var view in call.ResponseStream.ReadAllAsync(stop.Token))
                {
                    var now = clock.Elapsed.TotalMilliseconds;
                    for (var n = seen[w] + 1; n <= view.ReadingCount; n++)
                    {
                        // Shown before its acknowledgement reached the caller: no delay to speak of.
                        latencies.Add(acked[w].TryGetValue(n, out var at) ? Math.Max(0, now - at) : 0);
                    }

                    seen[w] = Math.Max(seen[w], view.ReadingCount);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();

        // Let the watches register before the clock of the run starts.
        await Task.Delay(500);
        var interval = TimeSpan.FromSeconds(workers / perSecond);
        var end = clock.Elapsed + TimeSpan.FromSeconds(seconds);
        var sent = 0L;
        var registers = new long[workers];
        // Reads under the same load, at a fixed 50 per second (not as fast as they go).
        var reads = new ConcurrentBag<double>();
        using var readsEnd = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var random = new Random(7);
        var sampler = Harness.SampleAt50PerSecond(
            () => sessions.GetSessionAsync(new GetSessionRequest { SessionId = ids[random.Next(ids.Length)] }, operatorHeader).ResponseAsync,
            reads, readsEnd.Token);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
        {
            var n = 0;
            // Spread the workers' slots over the interval, so the total rate is steady.
            var next = clock.Elapsed + interval * i / workers;
            while (clock.Elapsed < end)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                next += interval;
                n++;
                var request = new ReportMeterValuesRequest { ChargerId = chargers[i], SessionId = ids[i] };
                request.Readings.Add(new MeterReading { Timestamp = Timestamp.FromDateTime(start.AddSeconds(n)), EnergyWh = n * 3, PowerW = 10_800 });
                await station.ReportMeterValuesAsync(request, new Metadata { { "authorization", auth[i] } });
                registers[i] = n * 3;
                if (i < watched)
                {
                    acked[i][n] = clock.Elapsed.TotalMilliseconds;
                }

                Interlocked.Increment(ref sent);
            }
        })));

        await sampler;
        // The last updates arrive.
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(watchers);
        for (var i = 0; i < workers; i++)
        {
            await station.StopSessionAsync(new StopSessionRequest
            {
                ChargerId = chargers[i], SessionId = ids[i], MeterStopWh = registers[i], Timestamp = Timestamp.FromDateTime(start.AddHours(1)), Reason = "Local",
            }, new Metadata { { "authorization", auth[i] } });
        }

        var all = latencies.Order().ToArray();
        var read = reads.Order().ToArray();
        return new JsonObject
        {
            ["offered_per_second"] = Math.Round(perSecond, 1),
            ["sent_per_second"] = Math.Round(sent / (double)seconds, 1),
            ["watched_sessions"] = watched,
            ["updates_measured"] = all.Length,
            ["p50_ms"] = Math.Round(Harness.Percentile(all, 0.50), 2),
            ["p90_ms"] = Math.Round(Harness.Percentile(all, 0.90), 2),
            ["p99_ms"] = Math.Round(Harness.Percentile(all, 0.99), 2),
            ["max_ms"] = all.Length > 0 ? Math.Round(all[^1], 2) : 0,
            ["get_session_calls"] = read.Length,
            ["get_session_p50_ms"] = Math.Round(Harness.Percentile(read, 0.50), 2),
            ["get_session_p99_ms"] = Math.Round(Harness.Percentile(read, 0.99), 2),
        };
    }
}
