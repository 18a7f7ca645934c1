using BenchmarkDotNet.Running;
using Charge.Bench;

// dotnet run -c Release --project bench/Charge.Bench -- --filter '*'     BenchmarkDotNet micro-benchmarks
// dotnet run -c Release --project bench/Charge.Bench -- ocpp [options]  the OCPP 1.6J load run
if (args.Length > 0 && args[0] == "ocpp")
{
    return await OcppLoad.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(PricingBenchmarks).Assembly).Run(args);
return 0;
