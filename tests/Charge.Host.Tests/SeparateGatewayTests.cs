using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Host.Tests;

/// <summary>Gateways and silos scale separately: a gateway host that is only an Orleans client serves sessions.</summary>
public sealed class SeparateGatewayTests(SeparateGatewayFixture hosts) : IClassFixture<SeparateGatewayFixture>
{
    [Fact]
    public async Task A_stand_alone_gateway_serves_a_session_held_by_a_separate_silo()
    {
        var station = new StationService.StationServiceClient(hosts.Channel);
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        var chargerId = $"cp-{Guid.NewGuid():N}";

        var started = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = "T", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(t0),
        });
        await station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId,
            SessionId = started.SessionId,
            Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(t0.AddMinutes(4)), EnergyWh = 900 } },
        });
        var stopped = await station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId, MeterStopWh = 1000,
            Timestamp = Timestamp.FromDateTime(t0.AddMinutes(5)), Reason = "Local",
        });

        Assert.Equal(SessionState.Completed, stopped.State);
        Assert.Equal(1000, stopped.EnergyWh);
        Assert.Equal(1, stopped.ReadingCount);
    }
}
