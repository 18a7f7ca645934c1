using Charge.Gateway.Hosting;

await ChargeGatewayHost.Build(args).RunAsync();
