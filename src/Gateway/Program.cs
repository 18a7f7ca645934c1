using Charge.Gateway.Hosting;
using Charge.Gateway.Security;

if (ProgramCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

return await FirstRun.RunAsync(ChargeGatewayHost.Build(args), Console.Error, silo: false);
