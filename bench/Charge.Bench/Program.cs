using BenchmarkDotNet.Running;
using Charge.Bench;

// dotnet run -c Release --project bench/Charge.Bench                    the whole benchmark: table + bench/results/latest.json
// dotnet run -c Release --project bench/Charge.Bench -- --filter '*'     BenchmarkDotNet micro-benchmarks only
// dotnet run -c Release --project bench/Charge.Bench -- ocpp [options]  the OCPP 1.6J load run only
if (args.Length > 0 && args[0] == "ocpp")
{
    return await OcppLoad.RunAsync(args[1..]);
}

if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) && !args.Contains("--filter"))
{
    return await Harness.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(PricingBenchmarks).Assembly).Run(args);
return 0;
