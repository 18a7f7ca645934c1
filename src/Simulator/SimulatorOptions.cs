using System.Globalization;

namespace Charge.Simulator;

/// <summary>Command-line settings; see <see cref="Usage"/>.</summary>
public sealed record SimulatorOptions
{
    public const string Usage =
        """
        usage: Charge.Simulator [options]
          --url URL            gateway gRPC endpoint (default http://127.0.0.1:5081)
          --token JWT          an operator token (required; see README, Security): the simulator
                               registers its chargers with it and reports with their credentials
          --chargers N         chargers to simulate (default 5)
          --sessions N         live sessions per charger, one after another (default 2)
          --readings N         meter readings per live session (default 30)
          --interval SECONDS   real time between live readings (default 2)
          --power-kw KW        the chargers' maximum power (default 22)
          --history-hours H    first play H hours of past sessions per charger on a simulated clock,
                               as fast as the gateway takes them (default 0: live only)
          --prefix TEXT        charger ID prefix (default SIM)
        """;

    public Uri Url { get; init; } = new("http://127.0.0.1:5081");
    public int Chargers { get; init; } = 5;
    public int SessionsPerCharger { get; init; } = 2;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);
    public int ReadingsPerSession { get; init; } = 30;
    public double MaxPowerKw { get; init; } = 22;
    public double HistoryHours { get; init; }
    public string Prefix { get; init; } = "SIM";
    public string Token { get; init; } = "";

    public static SimulatorOptions Parse(string[] args)
    {
        var o = new SimulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--url" => o with { Url = new Uri(Value()) },
                "--chargers" => o with { Chargers = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--sessions" => o with { SessionsPerCharger = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--readings" => o with { ReadingsPerSession = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--interval" => o with { Interval = TimeSpan.FromSeconds(Number()) },
                "--power-kw" => o with { MaxPowerKw = Number() },
                "--history-hours" => o with { HistoryHours = Number() },
                "--prefix" => o with { Prefix = Value() },
                "--token" => o with { Token = Value() },
                "--help" or "-h" => throw new HelpRequested(),
                var other => throw new ArgumentException($"unknown option {other}"),
            };
        }

        if (o.Chargers < 1 || o.SessionsPerCharger < 0 || o.ReadingsPerSession < 1 || o.Interval <= TimeSpan.Zero
            || o.MaxPowerKw <= 0 || o.HistoryHours < 0)
        {
            throw new ArgumentException("counts, interval, power and history must be positive");
        }

        if (o.Token.Length == 0)
        {
            throw new ArgumentException("--token is required: an operator token, e.g. $(dotnet run --project src/Silo -- token --role operator)");
        }

        return o;
    }

    public sealed class HelpRequested : Exception;
}
