using System.Diagnostics;
using System.Diagnostics.Metrics;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Telemetry;

/// <summary>The gateway's instruments: what each transport accepted and refused, the OCPP sockets, commands to chargers.</summary>
public static class GatewayMetrics
{
    private static readonly Meter Readings = new(ChargeTelemetry.ReadingsMeter);
    private static readonly Meter Chargers = new(ChargeTelemetry.ChargersMeter);

    private static readonly Counter<long> ReadingsAccepted =
        Readings.CreateCounter<long>("charge.readings.accepted", "{reading}", "Readings accepted (acknowledged to the charger), by transport");

    private static readonly Counter<long> ReadingsRejected =
        Readings.CreateCounter<long>("charge.readings.rejected", "{request}", "Requests with readings refused, by transport and reason");

    private static readonly UpDownCounter<long> OcppConnected =
        Chargers.CreateUpDownCounter<long>("charge.ocpp.connected", "{charge_point}", "OCPP charge points connected to this gateway");

    private static readonly Histogram<double> CommandDuration =
        Chargers.CreateHistogram<double>("charge.commands.duration", "ms", "Round trip of a CALL to an OCPP charge point, by action and outcome");

    public static void Accepted(string transport, int readings) =>
        ReadingsAccepted.Add(readings, new KeyValuePair<string, object?>(ChargeTelemetry.TransportTag, transport));

    public static void Rejected(string transport, string reason) =>
        ReadingsRejected.Add(1, new KeyValuePair<string, object?>(ChargeTelemetry.TransportTag, transport), new KeyValuePair<string, object?>("reason", reason));

    public static void Connected() => OcppConnected.Add(1);

    public static void Disconnected() => OcppConnected.Add(-1);

    /// <summary>Records a CALL's round trip from <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public static void Command(string action, string outcome, long started) =>
        CommandDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome));
}
