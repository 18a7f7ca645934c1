using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Tests;

/// <summary>A station over the gRPC station API, as tests drive one: start, report, stop, and wait for the record.</summary>
public sealed class StationDriver(CallInvoker channel)
{
    private readonly StationService.StationServiceClient _station = new(channel);
    private readonly SessionService.SessionServiceClient _sessions = new(channel);

    public async Task<Session> Start(string chargerId, string idTag, double meterStartWh, DateTime at, int connectorId = 1) =>
        (await _station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = connectorId, IdTag = idTag, MeterStartWh = meterStartWh, Timestamp = Timestamp.FromDateTime(at),
        }));

    public Task<ReportMeterValuesResponse> Report(string chargerId, string sessionId, DateTime at, double energyWh, double? powerW = null)
    {
        var reading = new MeterReading { Timestamp = Timestamp.FromDateTime(at), EnergyWh = energyWh };
        if (powerW is { } w)
        {
            reading.PowerW = w;
        }

        return _station.ReportMeterValuesAsync(new ReportMeterValuesRequest { ChargerId = chargerId, SessionId = sessionId, Readings = { reading } }).ResponseAsync;
    }

    public Task<Session> Stop(string chargerId, string sessionId, double meterStopWh, DateTime at, string reason = "Local") =>
        _station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = sessionId, MeterStopWh = meterStopWh, Timestamp = Timestamp.FromDateTime(at), Reason = reason,
        }).ResponseAsync;

    /// <summary>The session once <paramref name="done"/> holds (or as it is when the wait times out).</summary>
    public Task<Session> Until(string sessionId, Func<Session, bool> done, TimeSpan? timeout = null) =>
        Eventually.Get(() => _sessions.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }).ResponseAsync, done, timeout);
}
