using System.Diagnostics;
using System.Globalization;

namespace Charge.Bench;

/// <summary>
/// How long the store keeps a request waiting when our requests are not the cause: one small request every 20 ms, on
/// one kept-alive connection, that Azurite answers without touching its data (a blob in a container that does not
/// exist: 404). Azurite serves every request on one Node.js thread, so the time this waits beyond a few milliseconds
/// is time that thread spent on something else (its index write, every 5 s). Reported by period, with the size of the
/// blob index it writes out.
/// </summary>
public sealed class StoreStallProbe : IAsyncDisposable
{
    private static readonly string Probe = $"http://127.0.0.1:{Charge.Silo.EmbeddedAzurite.BlobPort}/devstoreaccount1/charge-bench-probe/none";

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
    private readonly CancellationTokenSource _stop = new();
    private readonly List<double> _latencies = [];
    private readonly Task _loop;
    private readonly string _index;
    private int _taken;

    public StoreStallProbe(string azuriteLocation)
    {
        _index = Path.Combine(azuriteLocation, "__azurite_db_blob__.json");
        _loop = Task.Run(Loop);
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var answer = await _http.GetAsync(Probe, _stop.Token);
                lock (_latencies)
                {
                    _latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // Azurite restarting or not up yet: no sample.
            }

            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The samples since the last call: p50, p99, max, how many waited over 50 ms, and the index's size now.</summary>
    public string Period()
    {
        double[] samples;
        lock (_latencies)
        {
            samples = [.. _latencies.Skip(_taken)];
            _taken = _latencies.Count;
        }

        return Describe(samples);
    }

    /// <summary>All samples of the run.</summary>
    public string Whole()
    {
        lock (_latencies)
        {
            return Describe([.. _latencies]);
        }
    }

    private string Describe(double[] samples)
    {
        Array.Sort(samples);
        var index = File.Exists(_index) ? new FileInfo(_index).Length / 1e6 : 0;
        return samples.Length == 0
            ? "store probe: no samples"
            : string.Create(CultureInfo.InvariantCulture,
                $"store probe {samples.Length}: p50 {Harness.Percentile(samples, 0.5):0.0} ms, p99 {Harness.Percentile(samples, 0.99):0.0} ms, max {samples[^1]:0} ms, {samples.Count(s => s > 50)} over 50 ms; blob index {index:0.0} MB");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _http.Dispose();
        _stop.Dispose();
    }
}
