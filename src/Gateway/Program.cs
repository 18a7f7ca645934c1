using Charge.Gateway.Hosting;
using Charge.Gateway.Security;

if (ProgramCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

await ChargeGatewayHost.Build(args).RunAsync();
return 0;
