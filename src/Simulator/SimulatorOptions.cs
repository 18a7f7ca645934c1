namespace Charge.Simulator;

/// <summary>Command-line settings: <c>--url</c>, <c>--chargers</c>, <c>--sessions</c>, <c>--interval</c>, <c>--readings</c>, <c>--power-kw</c>.</summary>
public sealed record SimulatorOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:5081");
    public int Chargers { get; init; } = 5;
    public int SessionsPerCharger { get; init; } = 2;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);
    public int ReadingsPerSession { get; init; } = 30;
    public double MaxPowerKw { get; init; } = 22;
    public string Prefix { get; init; } = "SIM";

    public static SimulatorOptions Parse(string[] args)
    {
        var o = new SimulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--url" => o with { Url = new Uri(Value()) },
                "--chargers" => o with { Chargers = int.Parse(Value()) },
                "--sessions" => o with { SessionsPerCharger = int.Parse(Value()) },
                "--interval" => o with { Interval = TimeSpan.FromSeconds(double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture)) },
                "--readings" => o with { ReadingsPerSession = int.Parse(Value()) },
                "--power-kw" => o with { MaxPowerKw = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--prefix" => o with { Prefix = Value() },
                "--help" or "-h" => throw new HelpRequested(),
                var other => throw new ArgumentException($"unknown option {other}"),
            };
        }

        if (o.Chargers < 1 || o.SessionsPerCharger < 1 || o.ReadingsPerSession < 1 || o.Interval <= TimeSpan.Zero || o.MaxPowerKw <= 0)
        {
            throw new ArgumentException("counts, interval and power must be positive");
        }

        return o;
    }

    public sealed class HelpRequested : Exception;
}
