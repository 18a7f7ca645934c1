using Charge.Gateway.Security;
using Charge.Silo;

if (TokenCommand.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

await ChargeSiloHost.Build(args).RunAsync();
return 0;
