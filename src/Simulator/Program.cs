using Charge.Api.V1;
using Charge.Simulator;
using Grpc.Net.Client;

// Drives N simulated chargers through sessions against a running gateway's gRPC station API.
SimulatorOptions options;
try
{
    options = SimulatorOptions.Parse(args);
}
catch (SimulatorOptions.HelpRequested)
{
    Console.WriteLine(SimulatorOptions.Usage);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

using var channel = GrpcChannel.ForAddress(options.Url);
var station = new StationService.StationServiceClient(channel);
Console.WriteLine($"Simulating {options.Chargers} chargers: {options.HistoryHours:0.#} h of history, then {options.SessionsPerCharger} live sessions each, against {options.Url}");
var chargers = Enumerable.Range(0, options.Chargers)
    .Select(i => new ChargerSimulation(station, options, i, Console.Out).RunAsync(cancellation.Token));
try
{
    await Task.WhenAll(chargers);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopped.");
}

return 0;
