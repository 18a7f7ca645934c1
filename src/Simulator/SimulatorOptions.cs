using System.CommandLine;

namespace Charge.Simulator;

/// <summary>Command-line settings, parsed with System.CommandLine (help, types and errors): <c>--help</c> lists them.</summary>
public sealed record SimulatorOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:5081");
    public int Chargers { get; init; } = 5;
    public int SessionsPerCharger { get; init; } = 2;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);
    public int ReadingsPerSession { get; init; } = 30;
    public double MaxPowerKw { get; init; } = 22;
    public double HistoryHours { get; init; }
    public string Prefix { get; init; } = "SIM";
    public string Token { get; init; } = "";

    /// <summary>The site the chargers are registered on (created when it does not exist); empty: none.</summary>
    public string Site { get; init; } = "";

    /// <summary>
    /// The demo: two sites in different zones with tariffs, limits and customers, a mixed fleet (DC, AC, an idle
    /// connector each, one faulted charger) charging without end until Ctrl-C, under the sites' limits.
    /// </summary>
    public bool Demo { get; init; }

    /// <summary>The simulator's command: its action receives the parsed settings.</summary>
    public static RootCommand Command(Func<SimulatorOptions, CancellationToken, Task<int>> run)
    {
        var defaults = new SimulatorOptions();
        var url = new Option<Uri>("--url")
        {
            Description = "the gateway's gRPC endpoint",
            DefaultValueFactory = _ => defaults.Url,
            CustomParser = r => Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : Fail<Uri>(r, $"--url '{r.Tokens[0].Value}' is not an http(s) URL"),
        };
        var token = new Option<string>("--token")
        {
            Description = "an operator token: the simulator registers its chargers with it and reports with their credentials "
                          + "(dotnet run --project src/Silo -- token --role operator)",
            Required = true,
        };
        var chargers = AtLeast("--chargers", "chargers to simulate", defaults.Chargers, 1);
        var sessions = AtLeast("--sessions", "live sessions per charger, one after another", defaults.SessionsPerCharger, 0);
        var readings = AtLeast("--readings", "meter readings per live session", defaults.ReadingsPerSession, 1);
        var interval = Positive("--interval", "real seconds between live readings", defaults.Interval.TotalSeconds);
        var power = Positive("--power-kw", "the chargers' maximum power (kW)", defaults.MaxPowerKw);
        var history = new Option<double>("--history-hours")
        {
            Description = "first play this many hours of past sessions per charger on a simulated clock, as fast as the gateway takes them",
        };
        // The central system takes starts at most 7 days back (Charge:Sessions:MaxStartAge).
        history.Validators.Add(r => Check(r, v => v is >= 0 and <= 160, "--history-hours must be 0 to 160 (a start more than 7 days back is refused)"));
        var prefix = new Option<string>("--prefix") { Description = "charger ID prefix", DefaultValueFactory = _ => defaults.Prefix };
        var site = new Option<string>("--site")
        {
            Description = "put the chargers on this site (created, in UTC, when it does not exist); re-running keeps them there",
            DefaultValueFactory = _ => defaults.Site,
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "set up two sites (Amsterdam, New York) with tariffs, grid limits and customers, and run a mixed fleet "
                          + "until Ctrl-C (--chargers, --sessions, --power-kw, --prefix and --site are then the demo's own)",
        };
        var root = new RootCommand("Drives simulated chargers through sessions against a running gateway's gRPC station API")
        {
            url, token, demo, chargers, sessions, readings, interval, power, history, prefix, site,
        };
        root.SetAction((parse, cancellation) => run(new SimulatorOptions
        {
            Url = parse.GetValue(url)!,
            Token = parse.GetValue(token)!,
            Chargers = parse.GetValue(chargers),
            SessionsPerCharger = parse.GetValue(sessions),
            ReadingsPerSession = parse.GetValue(readings),
            Interval = TimeSpan.FromSeconds(parse.GetValue(interval)),
            MaxPowerKw = parse.GetValue(power),
            // The demo plays two days of past sessions unless told otherwise, so the reports have something to show.
            HistoryHours = parse.GetResult(history) is null && parse.GetValue(demo) ? 48 : parse.GetValue(history),
            Prefix = parse.GetValue(prefix)!,
            Site = parse.GetValue(site)!,
            Demo = parse.GetValue(demo),
        }, cancellation));
        return root;
    }

    private static Option<int> AtLeast(string name, string description, int fallback, int minimum)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r => Check(r, v => v >= minimum, $"{name} must be at least {minimum}"));
        return option;
    }

    private static Option<double> Positive(string name, string description, double fallback)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(r => Check(r, v => v > 0, $"{name} must be more than 0"));
        return option;
    }

    /// <summary>Checks a value the parser could read (an unreadable one already carries the parser's error).</summary>
    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<double, bool> valid, string error)
    {
        if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && !valid(value))
        {
            result.AddError(error);
        }
    }

    private static T Fail<T>(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
    }
}
