using Charge.Gateway.Hosting;
using Charge.Silo;

if (ProgramCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

await ChargeSiloHost.Build(args).RunAsync();
return 0;
