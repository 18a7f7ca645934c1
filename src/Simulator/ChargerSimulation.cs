using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Simulator;

/// <summary>
/// One simulated charger: boots (status, heartbeat), then runs sessions one after another on connector 1.
/// The car's power follows a realistic curve: full power until ~80 % state of charge, then a taper.
/// </summary>
public sealed class ChargerSimulation(StationService.StationServiceClient station, SimulatorOptions options, int index, TextWriter log)
{
    private readonly Random _random = new(index * 7919 + 17);
    private double _registerWh = 1_000_000 + index * 123_456;

    public string ChargerId { get; } = $"{options.Prefix}-{index + 1:000}";

    public async Task RunAsync(CancellationToken cancellation)
    {
        await station.HeartbeatAsync(new HeartbeatRequest { ChargerId = ChargerId, Timestamp = Now() }, cancellationToken: cancellation);
        await Status(ConnectorStatus.Available, cancellation);

        for (var n = 0; n < options.SessionsPerCharger && !cancellation.IsCancellationRequested; n++)
        {
            await RunSessionAsync(n, cancellation);
            await Task.Delay(options.Interval, cancellation);
        }
    }

    private async Task RunSessionAsync(int n, CancellationToken cancellation)
    {
        var soc = 10 + _random.NextDouble() * 50;
        var capacityWh = 40_000 + _random.Next(0, 5) * 10_000;
        var maxPowerW = options.MaxPowerKw * 1000 * (0.6 + 0.4 * _random.NextDouble());

        var session = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = ChargerId,
            ConnectorId = 1,
            IdTag = $"TAG-{_random.Next(1, 50):000}",
            MeterStartWh = Math.Round(_registerWh),
            Timestamp = Now(),
        }, cancellationToken: cancellation);
        log.WriteLine($"{ChargerId}: started {session.SessionId} for {session.IdTag}");

        // Each reading stands for one interval of charging at the current power, sped up so a short demo shows real energy.
        var simulatedSeconds = 60.0;
        for (var r = 0; r < options.ReadingsPerSession && !cancellation.IsCancellationRequested; r++)
        {
            await Task.Delay(options.Interval, cancellation);
            var power = soc < 80 ? maxPowerW : maxPowerW * Math.Max(0.1, (100 - soc) / 20);
            var energy = power * simulatedSeconds / 3600;
            _registerWh += energy;
            soc = Math.Min(100, soc + energy / capacityWh * 100);
            await station.ReportMeterValuesAsync(new ReportMeterValuesRequest
            {
                ChargerId = ChargerId,
                SessionId = session.SessionId,
                Readings =
                {
                    new MeterReading
                    {
                        Timestamp = Now(),
                        EnergyWh = Math.Round(_registerWh),
                        PowerW = Math.Round(power),
                        CurrentA = Math.Round(power / 400 / Math.Sqrt(3), 1),
                        SocPercent = Math.Round(soc, 1),
                    },
                },
            }, cancellationToken: cancellation);
        }

        var stopped = await station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = ChargerId,
            SessionId = session.SessionId,
            MeterStopWh = Math.Round(_registerWh),
            Timestamp = Now(),
            Reason = "EVDisconnected",
        }, cancellationToken: cancellation);
        log.WriteLine($"{ChargerId}: stopped {stopped.SessionId}: {stopped.EnergyWh / 1000:0.000} kWh in {stopped.DurationSeconds} s, {stopped.State}");
        await Status(ConnectorStatus.Available, cancellation);
    }

    private Task Status(ConnectorStatus status, CancellationToken cancellation) =>
        station.ReportStatusAsync(new ReportStatusRequest
        {
            ChargerId = ChargerId,
            ConnectorId = 1,
            Status = status,
            Timestamp = Now(),
        }, cancellationToken: cancellation).ResponseAsync;

    private static Timestamp Now() => Timestamp.FromDateTime(DateTime.UtcNow);
}
