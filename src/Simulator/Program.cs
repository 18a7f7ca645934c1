using Charge.Api.V1;
using Charge.Simulator;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

// Drives N simulated chargers through sessions against a running gateway's gRPC station API.
return await SimulatorOptions.Command(Simulate).Parse(args).InvokeAsync();

static async Task<int> Simulate(SimulatorOptions options, CancellationToken cancel)
{
    using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancel);
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
    var registry = new ChargerService.ChargerServiceClient(channel);
    var operatorHeader = new Metadata { { "authorization", $"Bearer {options.Token}" } };
    var simulations = new List<ChargerSimulation>();
    Task Persistently(Func<Task> call) => Retry.Persistently(call, "simulator", Console.Out, cancellation.Token);
    StationService.StationServiceClient StationOf(string chargerId, string secret)
    {
        var basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{chargerId}:{secret}"));
        return new StationService.StationServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", basic);
            return metadata;
        }));
    }

    try
    {
        if (options.Demo)
        {
            Console.WriteLine($"Demo against {options.Url}: setting up two sites, tariffs, limits and customers, then charging until Ctrl-C");
            var fleet = await Demo.SetUp(channel.CreateCallInvoker(), operatorHeader, Persistently, Console.Out);
            simulations.AddRange(fleet.Select((f, i) => new ChargerSimulation(StationOf(f.Charger.ChargerId, f.Secret), options, i, Console.Out, f.Charger)));
        }
        else
        {
            Console.WriteLine($"Simulating {options.Chargers} chargers: {options.HistoryHours:0.#} h of history, then {options.SessionsPerCharger} live sessions each, against {options.Url}");
            // The drivers' cards: the central system refuses tags its registry does not know (Charge:Authorization:UnknownTags).
            var tokens = new TokenService.TokenServiceClient(channel);
            await Persistently(async () =>
            {
                foreach (var idTag in ChargerSimulation.IdTags)
                {
                    await tokens.PutTokenAsync(new PutTokenRequest { IdTag = idTag, Status = "ACCEPTED", Label = "simulator" }, operatorHeader);
                }
            });

            if (options.Site.Length > 0)
            {
                var sites = new SiteService.SiteServiceClient(channel);
                await Persistently(async () =>
                {
                    try
                    {
                        await sites.GetSiteAsync(new GetSiteRequest { SiteId = options.Site }, operatorHeader);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                    {
                        await sites.PutSiteAsync(new PutSiteRequest { SiteId = options.Site, Name = options.Site, TimeZone = "UTC" }, operatorHeader);
                        Console.WriteLine($"Created site {options.Site} (UTC): set its address, zone and limits with PutSite / SetSiteLimits");
                    }
                });
            }

            for (var i = 0; i < options.Chargers; i++)
            {
                // Registering (again) gives the simulated charger a fresh secret; it then reports with its own credential.
                var chargerId = ChargerSimulation.IdOf(options, i);
                var secret = "";
                await Persistently(async () => secret = (await registry.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1, SiteId = options.Site }, operatorHeader)).Secret);
                simulations.Add(new ChargerSimulation(StationOf(chargerId, secret), options, i, Console.Out));
            }
        }

        await Task.WhenAll(simulations.Select(s => s.RunAsync(cancellation.Token)));
    }
    catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
    {
        Console.Error.WriteLine($"The gateway refused the simulator ({e.StatusCode}): --token must be a valid operator token for this installation.");
        return 1;
    }
    catch (Exception e) when (cancellation.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
    {
        Console.WriteLine("Stopped.");
    }

    return 0;
}
