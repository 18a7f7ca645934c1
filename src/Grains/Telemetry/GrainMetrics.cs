using System.Diagnostics;
using System.Diagnostics.Metrics;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Telemetry;

/// <summary>The grains' instruments (OpenTelemetry reads them by meter name, <see cref="ChargeTelemetry.Meters"/>).</summary>
public static class GrainMetrics
{
    private static readonly Meter Sessions = new(ChargeTelemetry.SessionsMeter);
    private static readonly Meter Readings = new(ChargeTelemetry.ReadingsMeter);
    private static readonly Meter Pricing = new(ChargeTelemetry.PricingMeter);
    private static readonly Meter Storage = new(ChargeTelemetry.StorageMeter);
    private static readonly Meter Billing = new(ChargeTelemetry.BillingMeter);

    public static readonly Counter<long> SessionsStarted =
        Sessions.CreateCounter<long>("charge.sessions.started", "{session}", "Sessions started (their start written)");

    public static readonly Counter<long> SessionsCompleted =
        Sessions.CreateCounter<long>("charge.sessions.completed", "{session}", "Sessions completed (their final record written)");

    /// <summary>Up at a start, down at completion, on the silo where each happened: sum over silos for the network.</summary>
    public static readonly UpDownCounter<long> SessionsActive =
        Sessions.CreateUpDownCounter<long>("charge.sessions.active", "{session}", "Sessions started and not yet completed");

    public static readonly Counter<long> ReadingsAnomalous =
        Readings.CreateCounter<long>("charge.readings.anomalous", "{reading}", "Readings recorded as anomalies, by kind");

    private static readonly Histogram<double> PricingDuration =
        Pricing.CreateHistogram<double>("charge.pricing.duration", "ms", "Time to price a session (live cost, final price, estimate)");

    /// <summary>Grain state writes and clears (store: the state name), reading-log appends and reads, reminder registrations.</summary>
    private static readonly Histogram<double> StorageDuration =
        Storage.CreateHistogram<double>("charge.storage.duration", "ms", "Time of a successful storage call, by store");

    private static readonly Counter<long> StorageFailures =
        Storage.CreateCounter<long>("charge.storage.failures", "{call}", "Storage calls that failed (answered Unavailable), by store");

    public static readonly Counter<long> InvoicesIssued =
        Billing.CreateCounter<long>("charge.invoices.issued", "{invoice}", "Invoices issued");

    public static readonly Counter<long> SecurityEvents =
        Sessions.CreateCounter<long>("charge.chargers.security_events", "{event}", "Security events chargers reported, by type");

    public static readonly Counter<long> DeviceEvents =
        Sessions.CreateCounter<long>("charge.chargers.device_events", "{event}", "Events chargers reported on their components (NotifyEvent), by trigger");

    public static void DeviceEvent(string trigger) => DeviceEvents.Add(1, new KeyValuePair<string, object?>("trigger", trigger));

    public static void SecurityEvent(string type) => SecurityEvents.Add(1, new KeyValuePair<string, object?>("type", type));

    public static void Anomaly(AnomalyKind kind) => ReadingsAnomalous.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));

    /// <summary>Prices with <paramref name="price"/>, timing it as <paramref name="kind"/> (live, final, estimate).</summary>
    public static T Priced<T>(string kind, Func<T> price)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return price();
        }
        finally
        {
            PricingDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>A storage call with no result (a state write or clear), as <see cref="Stored{T}"/>.</summary>
    public static Task Stored(string store, Func<Task> call, Func<Exception, bool> isFailure) =>
        Stored(store, async () =>
        {
            await call();
            return true;
        }, isFailure);

    /// <summary>A read of <paramref name="store"/>: counted when it fails (its time is Orleans' activation latency).</summary>
    public static async Task Read(string store, Func<Task> call, Func<Exception, bool> isFailure)
    {
        StorageActivity.Started();
        try
        {
            await call();
            StorageActivity.Succeeded();
        }
        catch (Exception e)
        {
            var failure = isFailure(e);
            StorageActivity.Failed(failure);
            if (failure)
            {
                StorageFailures.Add(1, new KeyValuePair<string, object?>("store", store));
            }

            throw;
        }
    }

    /// <summary>
    /// Runs a storage call of <paramref name="store"/> (a grain state type, the reading log) inside a span, recording
    /// its time when it succeeds and counting it when it fails.
    /// </summary>
    public static async Task<T> Stored<T>(string store, Func<Task<T>> call, Func<Exception, bool> isFailure)
    {
        using var span = ChargeTelemetry.Source.StartActivity($"storage {store}", ActivityKind.Client);
        var tag = new KeyValuePair<string, object?>("store", store);
        var started = Stopwatch.GetTimestamp();
        StorageActivity.Started();
        try
        {
            var result = await call();
            StorageDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tag);
            StorageActivity.Succeeded();
            return result;
        }
        catch (Exception e)
        {
            var failure = isFailure(e);
            StorageActivity.Failed(failure);
            if (failure)
            {
                StorageFailures.Add(1, tag);
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
            }

            throw;
        }
    }
}
