using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Simulator;

/// <summary>
/// One simulated charger on connector 1. The car's power follows a realistic curve (full power up to ~80 %
/// state of charge, then a taper) and the register grows by exactly power x time, so every session is
/// physically consistent. History sessions run on a simulated clock that ends before now; live sessions
/// run in real time.
/// </summary>
public sealed class ChargerSimulation(StationService.StationServiceClient station, SimulatorOptions options, int index, TextWriter log)
{
    /// <summary>The drivers' tags the simulated sessions use; the simulator registers them before it starts.</summary>
    public static readonly string[] IdTags = [.. Enumerable.Range(1, 49).Select(n => $"TAG-{n:000}")];

    private static readonly TimeSpan HistoryStep = TimeSpan.FromMinutes(1);

    private readonly Random _random = new(index * 7919 + 17);
    private double _registerWh = 1_000_000 + index * 123_456;

    // The session the central system asked to stop (a RemoteStop on the command stream); the live loop ends it.
    private volatile string? _stopRequested;

    public string ChargerId { get; } = IdOf(options, index);

    public static string IdOf(SimulatorOptions options, int index) => $"{options.Prefix}-{index + 1:000}";

    public async Task RunAsync(CancellationToken cancellation)
    {
        await Persistently(() => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = ChargerId, Timestamp = Ts(DateTime.UtcNow) }, cancellationToken: cancellation).ResponseAsync, cancellation);
        await Status(ConnectorStatus.Available, DateTime.UtcNow, cancellation);
        _ = ReceiveCommandsAsync(cancellation);

        if (options.HistoryHours > 0)
        {
            await RunHistoryAsync(cancellation);
        }

        for (var n = 0; n < options.SessionsPerCharger && !cancellation.IsCancellationRequested; n++)
        {
            await RunSessionAsync(DateTime.UtcNow, options.ReadingsPerSession, options.Interval, live: true, cancellation);
            await Task.Delay(options.Interval, cancellation);
        }
    }

    /// <summary>Keeps the command stream open (reopening it when the gateway goes away) and acts on remote stops.</summary>
    private async Task ReceiveCommandsAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                using var commands = station.ReceiveCommands(new ReceiveCommandsRequest { ChargerId = ChargerId }, cancellationToken: cancellation);
                while (await commands.ResponseStream.MoveNext(cancellation))
                {
                    if (commands.ResponseStream.Current.RemoteStop is { } stop)
                    {
                        log.WriteLine($"{ChargerId}: asked to stop {stop.SessionId}");
                        _stopRequested = stop.SessionId;
                    }
                }
            }
            catch (Exception) when (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunHistoryAsync(CancellationToken cancellation)
    {
        var clock = DateTime.UtcNow.AddHours(-options.HistoryHours);
        var sessions = 0;
        while (!cancellation.IsCancellationRequested)
        {
            // Idle 10 minutes to 3 hours between cars, then a stay of 20 minutes to 2 hours.
            clock = clock.AddMinutes(_random.Next(10, 180));
            var minutes = _random.Next(20, 120);
            if (clock.AddMinutes(minutes + 1) >= DateTime.UtcNow)
            {
                break;
            }

            clock = await RunSessionAsync(clock, minutes, HistoryStep, live: false, cancellation);
            sessions++;
        }

        log.WriteLine($"{ChargerId}: played {sessions} past sessions over {options.HistoryHours:0.#} h");
    }

    private async Task<DateTime> RunSessionAsync(DateTime start, int readings, TimeSpan step, bool live, CancellationToken cancellation)
    {
        var soc = 10 + _random.NextDouble() * 50;
        var capacityWh = 40_000 + _random.Next(0, 5) * 10_000;
        var maxPowerW = options.MaxPowerKw * 1000 * (0.6 + 0.4 * _random.NextDouble());

        // The charger names its session (a retried start after an outage is the same session, never a second one).
        var startRequest = new StartSessionRequest
        {
            ChargerId = ChargerId,
            ConnectorId = 1,
            IdTag = IdTags[_random.Next(IdTags.Length)],
            MeterStartWh = Math.Round(_registerWh),
            Timestamp = Ts(start),
            SessionId = $"s-{start:yyyyMMddHHmmssfff}",
        };
        var session = await Persistently(() => station.StartSessionAsync(startRequest, cancellationToken: cancellation).ResponseAsync, cancellation);
        if (live)
        {
            log.WriteLine($"{ChargerId}: started {session.SessionId} for {session.IdTag}");
        }

        var clock = start;
        var batch = new ReportMeterValuesRequest { ChargerId = ChargerId, SessionId = session.SessionId };
        var reason = "EVDisconnected";
        for (var r = 0; r < readings && !cancellation.IsCancellationRequested; r++)
        {
            if (live && _stopRequested == session.SessionId)
            {
                reason = "Remote";
                break;
            }

            if (live)
            {
                await Task.Delay(step, cancellation);
            }

            var now = live ? DateTime.UtcNow : clock + step;
            var power = soc < 80 ? maxPowerW : maxPowerW * Math.Max(0.1, (100 - soc) / 20);
            var energy = power * (now - clock).TotalHours;
            clock = now;
            _registerWh += energy;
            soc = Math.Min(100, soc + energy / capacityWh * 100);
            batch.Readings.Add(new MeterReading
            {
                Timestamp = Ts(clock),
                EnergyWh = Math.Round(_registerWh),
                PowerW = Math.Round(power),
                CurrentA = Math.Round(power / 400 / Math.Sqrt(3), 1),
                SocPercent = Math.Round(soc, 1),
            });

            // Live chargers send every reading; history goes in batches of 15 like a charger catching up.
            if (live || batch.Readings.Count == 15 || r == readings - 1)
            {
                await Persistently(() => station.ReportMeterValuesAsync(batch, cancellationToken: cancellation).ResponseAsync, cancellation);
                batch.Readings.Clear();
            }
        }

        var stop = new StopSessionRequest
        {
            ChargerId = ChargerId,
            SessionId = session.SessionId,
            MeterStopWh = Math.Round(_registerWh),
            Timestamp = Ts(clock),
            Reason = reason,
        };
        var stopped = await Persistently(() => station.StopSessionAsync(stop, cancellationToken: cancellation).ResponseAsync, cancellation);
        if (live)
        {
            log.WriteLine($"{ChargerId}: stopped {stopped.SessionId}: {stopped.EnergyWh / 1000:0.000} kWh in {stopped.DurationSeconds} s, {stopped.State}");
        }

        await Status(ConnectorStatus.Available, clock, cancellation);
        return clock;
    }

    private Task Status(ConnectorStatus status, DateTime at, CancellationToken cancellation) =>
        Persistently(() => station.ReportStatusAsync(new ReportStatusRequest
        {
            ChargerId = ChargerId,
            ConnectorId = 1,
            Status = status,
            Timestamp = Ts(at),
        }, cancellationToken: cancellation).ResponseAsync, cancellation);

    /// <summary>
    /// A call a real charger keeps making until the central system takes it: through a restart of the system (the
    /// gateway unreachable or the cluster not ready, Unavailable) it waits and sends the same message again. Every
    /// message is idempotent: the session is named, readings carry their time.
    /// </summary>
    private async Task<T> Persistently<T>(Func<Task<T>> call, CancellationToken cancellation)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded
                                                   && !cancellation.IsCancellationRequested)
            {
                log.WriteLine($"{ChargerId}: the central system is not reachable ({e.StatusCode}); retrying in {wait.TotalSeconds:0} s");
                await Task.Delay(wait, cancellation);
                wait = TimeSpan.FromSeconds(Math.Min(10, wait.TotalSeconds * 2));
            }
        }
    }

    private static Timestamp Ts(DateTime t) => Timestamp.FromDateTime(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
