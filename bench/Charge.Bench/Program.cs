using System.CommandLine;
using BenchmarkDotNet.Running;
using Charge.Bench;

// dotnet run -c Release --project bench/Charge.Bench                    the whole benchmark: table + bench/results/latest.json
// dotnet run -c Release --project bench/Charge.Bench -- --help          its options
// dotnet run -c Release --project bench/Charge.Bench -- ocpp [options]  the OCPP 1.6J load run only
// dotnet run -c Release --project bench/Charge.Bench -- memory [--sessions N --storage azurite|memory --hold]   memory per open session only
// ulimit -n 65536; dotnet run -c Release --project bench/Charge.Bench -- network [--chargers 20000 --minutes 30]   a realistic network on one gateway
// dotnet run -c Release --project bench/Charge.Bench -- micro --filter '*Allocation*'   BenchmarkDotNet micro-benchmarks only
if (args.Length > 0 && args[0] == "micro" || args.Contains("--filter"))
{
    // BenchmarkDotNet parses its own arguments (--filter, --job, ...).
    BenchmarkSwitcher.FromAssembly(typeof(PricingBenchmarks).Assembly).Run([.. args.SkipWhile(a => a == "micro")]);
    return 0;
}

static Option<int> Positive(string name, string description, int fallback)
{
    var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
    option.Validators.Add(r =>
    {
        if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[0].Value, out var value) && value < 1)
        {
            r.AddError($"{name} must be at least 1");
        }
    });
    return option;
}

var seconds = Positive("--seconds", "seconds per measured phase", 10);
var workers = Positive("--workers", "concurrent callers", 64);
var sessions = new Option<int?>("--sessions") { Description = "open sessions held for the memory phase (default 2000 on Azurite, 100000 on memory)" };
var storage = new Option<string>("--storage") { Description = "memory, or azurite (the embedded default, started if none listens)", DefaultValueFactory = _ => "memory" };
storage.AcceptOnlyFromAmong("memory", "azurite");
var ack = new Option<string>("--ack") { Description = "durable acknowledgement, or write-behind (the throughput trade)", DefaultValueFactory = _ => "durable" };
ack.AcceptOnlyFromAmong("durable", "write-behind");
var noPricing = new Option<bool>("--no-pricing") { Description = "skip the pricing micro-benchmarks" };
var root = new RootCommand("Orleans.Charge benchmark: starts the system in this process on loopback and measures it on this machine")
{
    seconds, workers, sessions, storage, ack, noPricing,
};
root.SetAction(parse => Harness.RunAsync(new Harness.Settings(parse.GetValue(seconds), parse.GetValue(workers), parse.GetValue(sessions),
    parse.GetValue(storage) == "azurite", parse.GetValue(ack) == "write-behind", !parse.GetValue(noPricing))));

var chargers = Positive("--chargers", "simulated OCPP charge points", 100);
var ocppSeconds = Positive("--seconds", "seconds of load", 30);
var ocppProtocol = new Option<string>("--protocol")
{
    Description = "ocpp1.6, ocpp2.0.1, or both (the two runs one after the other on the same host, side by side)", DefaultValueFactory = _ => "ocpp1.6",
};
ocppProtocol.AcceptOnlyFromAmong("ocpp1.6", "ocpp2.0.1", "both");
var ocpp = new Command("ocpp", "The OCPP load run only: N charge points each sending readings (1.6 MeterValues, 2.0.1 TransactionEvent Updated), one CALL in flight each") { chargers, ocppSeconds, ocppProtocol };
ocpp.SetAction(parse => OcppLoad.RunAsync(parse.GetValue(chargers), parse.GetValue(ocppSeconds), parse.GetValue(ocppProtocol)!));
root.Add(ocpp);

var cycleChargers = Positive("--chargers", "simulated OCPP 1.6J charge points", 1000);
var cycleSeconds = Positive("--seconds", "seconds of load", 60);
var cycleReadings = Positive("--readings", "MeterValues per session", 10);
var cycleInterval = Positive("--interval-ms", "time between a charge point's messages", 2000);
var cycleStorage = new Option<string>("--storage") { Description = "azurite (the embedded default) or memory", DefaultValueFactory = _ => "azurite" };
cycleStorage.AcceptOnlyFromAmong("memory", "azurite");
var cycles = new Command("ocpp-sessions", "Start and stop latency: charge points running session after session at a steady pace")
{
    cycleChargers, cycleSeconds, cycleReadings, cycleInterval, cycleStorage,
};
cycles.SetAction(parse => OcppLoad.SessionsAsync(parse.GetValue(cycleChargers), parse.GetValue(cycleSeconds), parse.GetValue(cycleStorage) == "azurite",
    parse.GetValue(cycleReadings), TimeSpan.FromMilliseconds(parse.GetValue(cycleInterval))));
root.Add(cycles);
var memorySessions = Positive("--sessions", "open sessions", 2_000);
var memoryStorage = new Option<string>("--storage") { Description = "azurite (the embedded default; state out of process) or memory (a copy of each state in process)", DefaultValueFactory = _ => "azurite" };
memoryStorage.AcceptOnlyFromAmong("memory", "azurite");
var hold = new Option<bool>("--hold") { Description = "wait for Enter while the sessions are open (for dotnet-gcdump)" };
var memory = new Command("memory", "The memory phase only: managed bytes per open idle session and per empty activation")
{
    memorySessions, memoryStorage, hold,
};
memory.SetAction(parse => Harness.MemoryOnlyAsync(parse.GetValue(memorySessions), parse.GetValue(memoryStorage) == "azurite", parse.GetValue(hold)));
root.Add(memory);
var networkChargers = Positive("--chargers", "OCPP 1.6J charge points kept connected", 20_000);
var networkMinutes = Positive("--minutes", "minutes of steady run", 30);
var networkInterval = Positive("--interval", "seconds between a charge point's MeterValues", 10);
var networkReadings = Positive("--readings", "MeterValues per session", 30);
var networkSpread = new Option<int?>("--spread") { Description = "seconds over which the charge points' first sessions start (default: one interval, all at once; a session's length spreads starts and stops evenly)" };
var networkStorage = new Option<string>("--storage") { Description = "memory (the reading log in memory) or azurite", DefaultValueFactory = _ => "memory" };
networkStorage.AcceptOnlyFromAmong("memory", "azurite");
var network = new Command("network", "A realistic network on one gateway: memory per connection and session, memory over a steady run, graceful shutdown")
{
    networkChargers, networkMinutes, networkInterval, networkReadings, networkStorage, networkSpread,
};
network.SetAction(parse => NetworkLoad.RunAsync(parse.GetValue(networkChargers), parse.GetValue(networkMinutes), parse.GetValue(networkInterval),
    parse.GetValue(networkReadings), parse.GetValue(networkSpread) ?? parse.GetValue(networkInterval), parse.GetValue(networkStorage) == "azurite"));
root.Add(network);
var clientsUrl = new Option<string>("--url") { Required = true };
var clientsFile = new Option<string>("--file") { Required = true };
var clients = new Command("network-clients", "(started by network) the charge points, in a process of their own")
{
    clientsUrl, clientsFile, networkMinutes, networkInterval, networkReadings, networkSpread,
};
clients.Hidden = true;
clients.SetAction(parse => NetworkLoad.ClientsAsync(parse.GetValue(clientsUrl)!, parse.GetValue(clientsFile)!, parse.GetValue(networkMinutes),
    parse.GetValue(networkInterval), parse.GetValue(networkReadings), parse.GetValue(networkSpread) ?? parse.GetValue(networkInterval)));
root.Add(clients);
var stormChargers = Positive("--chargers", "OCPP 1.6J charge points booting at once", 1000);
var stormStorage = new Option<string>("--storage") { Description = "azurite (the embedded default) or memory", DefaultValueFactory = _ => "azurite" };
stormStorage.AcceptOnlyFromAmong("memory", "azurite");
var storm = new Command("storm", "A boot storm: cold charge points connecting at once, Boot and StatusNotifications timed against a 30 s call timeout")
{
    stormChargers, stormStorage,
};
storm.SetAction(parse => BootStorm.RunAsync(parse.GetValue(stormChargers), parse.GetValue(stormStorage) == "azurite"));
root.Add(storm);
root.Add(new Command("micro", "BenchmarkDotNet micro-benchmarks (its own options follow, e.g. --filter '*Allocation*')"));
return await root.Parse(args).InvokeAsync();
