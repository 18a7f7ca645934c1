using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

namespace Charge.Simulator;

/// <summary>
/// One simulated charger. The car's power follows a realistic curve (full power up to ~80 % state of charge, then a
/// taper), held to the limit the site's load balancer sets (SetLimit on the command stream), and the register grows
/// by exactly power x time, so every session is physically consistent. History sessions run on a simulated clock
/// that ends before now; live sessions run in real time. In the demo the charger charges without end (history on
/// its second connector meanwhile, which then stays idle), and a faulted charger only says it is faulted.
/// </summary>
public sealed class ChargerSimulation(StationService.StationServiceClient station, SimulatorOptions options, int index, TextWriter log, SimulatedCharger? spec = null)
{
    /// <summary>The drivers' tags the simulated sessions use; the simulator registers them before it starts.</summary>
    public static readonly string[] IdTags = [.. Enumerable.Range(1, 49).Select(n => $"TAG-{n:000}")];

    private static readonly TimeSpan HistoryStep = TimeSpan.FromMinutes(1);

    private readonly Random _random = new(index * 7919 + 17);
    private double _registerWh = 1_000_000 + index * 123_456;

    // The session the central system asked to stop (a RemoteStop on the command stream); the live loop ends it.
    private volatile string? _stopRequested;

    // What the load balancer allows each session (SetLimit), in W; a session without one draws what the car takes.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, double> _limits = new();

    // Each connector has its own meter: the demo plays history on connector 2 while connector 1 charges live.
    private double _historyRegisterWh = 2_000_000 + index * 54_321;

    public string ChargerId { get; } = spec?.ChargerId ?? IdOf(options, index);

    private double MaxPowerKw => spec?.MaxPowerKw ?? options.MaxPowerKw;

    public static string IdOf(SimulatorOptions options, int index) => $"{options.Prefix}-{index + 1:000}";

    public async Task RunAsync(CancellationToken cancellation)
    {
        await Persistently(() => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = ChargerId, Timestamp = Ts(DateTime.UtcNow) }, cancellationToken: cancellation).ResponseAsync, cancellation);
        if (spec is { Faulted: true })
        {
            // A broken charger: it says so and stays online (heartbeats), waiting for a technician.
            await Status(ConnectorStatus.Faulted, DateTime.UtcNow, cancellation, connector: 1);
            await Status(ConnectorStatus.Faulted, DateTime.UtcNow, cancellation, connector: 2);
            log.WriteLine($"{ChargerId}: faulted (GroundFailure), heartbeating");
            while (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(60), cancellation);
                await Persistently(() => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = ChargerId, Timestamp = Ts(DateTime.UtcNow) }, cancellationToken: cancellation).ResponseAsync, cancellation);
            }

            return;
        }

        await Status(ConnectorStatus.Available, DateTime.UtcNow, cancellation);
        _ = ReceiveCommandsAsync(cancellation);

        if (options.Demo)
        {
            await Status(ConnectorStatus.Available, DateTime.UtcNow, cancellation, connector: 2);
            var history = options.HistoryHours > 0 ? RunHistoryAsync(cancellation, connector: 2) : Task.CompletedTask;
            while (!cancellation.IsCancellationRequested)
            {
                // Between cars: 10 to 30 reading intervals (more on some chargers: they are busier than others).
                await Task.Delay(options.Interval * _random.Next(10, 30 + 30 * (index % 4)), cancellation);
                await RunSessionAsync(DateTime.UtcNow, _random.Next(options.ReadingsPerSession, options.ReadingsPerSession * 4), options.Interval, live: true, cancellation);
            }

            await history;
            return;
        }

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
                    else if (commands.ResponseStream.Current.SetLimit is { } limit)
                    {
                        _limits[limit.SessionId] = limit.LimitW;
                        log.WriteLine($"{ChargerId}: {limit.SessionId} held to {limit.LimitW / 1000:0.0} kW");
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

    private async Task RunHistoryAsync(CancellationToken cancellation, int connector = 1)
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

            clock = await RunSessionAsync(clock, minutes, HistoryStep, live: false, cancellation, connector);
            sessions++;
        }

        log.WriteLine($"{ChargerId}: played {sessions} past sessions over {options.HistoryHours:0.#} h");
    }

    private async Task<DateTime> RunSessionAsync(DateTime start, int readings, TimeSpan step, bool live, CancellationToken cancellation, int connector = 1)
    {
        // The history connector has a random of its own: its sessions run beside the live ones, on another task.
        var random = connector == 1 ? _random : new Random(start.GetHashCode());
        var soc = 10 + random.NextDouble() * 50;
        var capacityWh = 40_000 + random.Next(0, 5) * 10_000;
        var maxPowerW = MaxPowerKw * 1000 * (0.6 + 0.4 * random.NextDouble());
        var register = connector == 1 ? _registerWh : _historyRegisterWh;

        // The charger names its session (a retried start after an outage is the same session, never a second one).
        var startRequest = new StartSessionRequest
        {
            ChargerId = ChargerId,
            ConnectorId = connector,
            IdTag = IdTags[random.Next(IdTags.Length)],
            MeterStartWh = Math.Round(register),
            Timestamp = Ts(start),
            SessionId = $"s{connector}-{start:yyyyMMddHHmmssfff}",
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
            // The car obeys the limit it was given (0 pauses it).
            power = _limits.TryGetValue(session.SessionId, out var limitW) ? Math.Min(power, limitW) : power;
            var energy = power * (now - clock).TotalHours;
            clock = now;
            register += energy;
            if (connector == 1)
            {
                _registerWh = register;
            }
            else
            {
                _historyRegisterWh = register;
            }

            soc = Math.Min(100, soc + energy / capacityWh * 100);
            batch.Readings.Add(new MeterReading
            {
                Timestamp = Ts(clock),
                EnergyWh = Math.Round(register),
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
            MeterStopWh = Math.Round(register),
            Timestamp = Ts(clock),
            Reason = reason,
        };
        var stopped = await Persistently(() => station.StopSessionAsync(stop, cancellationToken: cancellation).ResponseAsync, cancellation);
        if (live)
        {
            log.WriteLine($"{ChargerId}: stopped {stopped.SessionId}: {stopped.EnergyWh / 1000:0.000} kWh in {stopped.DurationSeconds} s, {stopped.State}");
        }

        _limits.TryRemove(session.SessionId, out _);
        await Status(ConnectorStatus.Available, clock, cancellation, connector);
        return clock;
    }

    private Task Status(ConnectorStatus status, DateTime at, CancellationToken cancellation, int connector = 1) =>
        Persistently(() => station.ReportStatusAsync(new ReportStatusRequest
        {
            ChargerId = ChargerId,
            ConnectorId = connector,
            Status = status,
            Timestamp = Ts(at),
        }, cancellationToken: cancellation).ResponseAsync, cancellation);

    private Task<T> Persistently<T>(Func<Task<T>> call, CancellationToken cancellation) => Retry.Persistently(call, ChargerId, log, cancellation);

    private static Timestamp Ts(DateTime t) => Timestamp.FromDateTime(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
