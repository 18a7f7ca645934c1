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

// A station that sends too fast is told RESOURCE_EXHAUSTED (per-charger rate limit): wait and retry, as a charger would.
using var channel = GrpcChannel.ForAddress(options.Url, new GrpcChannelOptions
{
    ServiceConfig = new Grpc.Net.Client.Configuration.ServiceConfig
    {
        MethodConfigs =
        {
            new Grpc.Net.Client.Configuration.MethodConfig
            {
                Names = { Grpc.Net.Client.Configuration.MethodName.Default },
                RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
                {
                    MaxAttempts = 5,
                    InitialBackoff = TimeSpan.FromSeconds(1),
                    MaxBackoff = TimeSpan.FromSeconds(5),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { Grpc.Core.StatusCode.ResourceExhausted, Grpc.Core.StatusCode.Unavailable },
                },
            },
        },
    },
});
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
