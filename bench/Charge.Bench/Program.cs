using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Charge.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
