using Charge.Silo;

await ChargeSiloHost.Build(args).RunAsync();
