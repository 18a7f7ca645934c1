using System.Net.Sockets;

namespace Charge.Gateway.Hosting;

/// <summary>
/// What a person starting the system needs to read on the console: where to look once it is up, and, when it cannot
/// start because a port is taken, one line naming the setting to change instead of a stack trace.
/// </summary>
public static partial class FirstRun
{
    /// <summary>Once the host has started: the operator console, the API's addresses, and how to get a token.</summary>
    public static void AnnounceWhenStarted(WebApplication app, string project)
    {
        var options = app.Configuration.ReadChargeOptions<GatewayOptions>(GatewayOptions.Section);
        var http = options.HttpUrl.TrimEnd('/');
        var ocpp = http.Replace("https://", "wss://", StringComparison.Ordinal).Replace("http://", "ws://", StringComparison.Ordinal);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            LogConsole(app.Logger, http + "/");
            LogAddresses(app.Logger, http + "/v1", options.GrpcUrl, ocpp + "/ocpp/{chargerId}");
            LogToken(app.Logger, $"dotnet run --project src/{project} -- token --role operator");
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator console: {Url} (sign in with an operator token)")]
    private static partial void LogConsole(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "REST: {Rest} · gRPC: {Grpc} · OCPP 1.6J and 2.0.1: {Ocpp}")]
    private static partial void LogAddresses(ILogger logger, string rest, string grpc, string ocpp);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator token: {Command}")]
    private static partial void LogToken(ILogger logger, string command);

    /// <summary>
    /// Runs the host. A port it needs that is taken is found before anything starts (else when binding fails): one line
    /// names the address and the setting that moves it, and the exit code is 2, with no stack trace.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, TextWriter error, bool silo)
    {
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        if (Taken(configuration, silo) is { } taken)
        {
            error.WriteLine(Line(taken.Port, taken.Setting, taken.Value));
            return 2;
        }

        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (PortInUse(e))
        {
            error.WriteLine(PortInUseLine(e, configuration, silo));
            return 2;
        }
    }

    /// <summary>The first of this process's ports that another program holds, if any.</summary>
    public static (int Port, string Setting, string Value)? Taken(IConfiguration configuration, bool silo)
    {
        foreach (var (port, setting, value, host) in Ports(configuration, silo))
        {
            if (port <= 0)
            {
                continue;
            }

            try
            {
                var listener = new TcpListener(host, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                return (port, setting, value);
            }
        }

        return null;
    }

    private static string Line(int port, string setting, string value) =>
        $"Cannot start: port {port} ({setting} = {value}) is in use by another program. Stop it, or choose another port with --{setting}=….";

    /// <summary>The ports this process listens on, with the setting that names each and the address it binds.</summary>
    private static List<(int Port, string Setting, string Value, System.Net.IPAddress Host)> Ports(IConfiguration configuration, bool silo)
    {
        var ports = new List<(int, string, string, System.Net.IPAddress)>();
        void Url(string setting, string value)
        {
            if (Uri.TryCreate(value.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                var address = System.Net.IPAddress.TryParse(uri.Host, out var ip) ? ip : System.Net.IPAddress.Loopback;
                ports.Add((uri.Port, setting, value, address));
            }
        }

        var gateway = !silo || configuration.GetValue("Charge:Silo:HostGateway", true);
        if (gateway)
        {
            var options = configuration.ReadChargeOptions<GatewayOptions>(GatewayOptions.Section);
            Url("Charge:Gateway:HttpUrl", options.HttpUrl);
            Url("Charge:Gateway:GrpcUrl", options.GrpcUrl);
            if (options.HttpsUrl.Length > 0)
            {
                Url("Charge:Gateway:HttpsUrl", options.HttpsUrl);
            }
        }
        else if (configuration.GetValue("Charge:Silo:HttpUrl", "") is { Length: > 0 } probes)
        {
            Url("Charge:Silo:HttpUrl", probes);
        }

        if (silo)
        {
            var cluster = configuration.ReadChargeOptions<ChargeClusterOptions>(ChargeClusterOptions.Section);
            var any = cluster.ListenOnAnyHostAddress ? System.Net.IPAddress.Any : System.Net.IPAddress.Loopback;
            ports.Add((cluster.SiloPort, "Charge:Cluster:SiloPort", cluster.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), any));
            ports.Add((cluster.GatewayPort, "Charge:Cluster:GatewayPort", cluster.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), any));
        }

        return ports;
    }

    private static bool PortInUse(Exception e) =>
        Chain(e).Any(x => x is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                          || (x is IOException && x.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The line for a bind that failed once starting: the setting whose port the failure names, else all of them.</summary>
    public static string PortInUseLine(Exception e, IConfiguration configuration, bool silo)
    {
        var ports = Ports(configuration, silo);
        var text = string.Join(" ", Chain(e).Select(x => x.Message));
        var named = ports.FirstOrDefault(p => p.Port > 0 && System.Text.RegularExpressions.Regex.IsMatch(text, $@"[:\s]{p.Port}\b"));
        return named.Setting is null
            ? $"Cannot start: a port this process needs is in use by another program ({Chain(e).Last().Message}). Stop it, or move ours with "
              + string.Join(", ", ports.Select(p => $"--{p.Setting}")) + "."
            : Line(named.Port, named.Setting, named.Value);
    }
}
