using Charge.Gateway.Hosting;
using Charge.Silo;

if (ProgramCommands.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

return await FirstRun.RunAsync(ChargeSiloHost.Build(args), Console.Error, silo: true);
