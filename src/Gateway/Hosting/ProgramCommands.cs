using System.CommandLine;
using Charge.Gateway.Security;
using Microsoft.Extensions.Configuration;

namespace Charge.Gateway.Hosting;

/// <summary>
/// The programs' commands besides running the host (System.CommandLine: help, typed options, errors):
/// <c>token --role operator|driver ...</c> prints a bearer token signed with the key this installation validates
/// with (the way to the first operator token); <c>health --url URL</c> probes a health endpoint (the containers'
/// health checks: the images carry no curl).
/// </summary>
public static class ProgramCommands
{
    public const string Verb = "token";

    public const string HealthVerb = "health";

    /// <summary>Runs a command when args start with its verb; returns the exit code, or null when they do not (run the host).</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is not (Verb or HealthVerb))
        {
            return null;
        }

        var root = new RootCommand("Orleans.Charge: with no command, runs the host; settings as --Charge:Section:Key=value") { Token(), Health() };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command Token()
    {
        var role = new Option<string>("--role") { Description = "operator or driver", Required = true };
        role.AcceptOnlyFromAmong(ChargeRoles.Operator, ChargeRoles.Driver);
        var subject = new Option<string?>("--subject") { Description = "who the token names (default: the role)" };
        var idTags = new Option<string[]>("--id-tag") { Description = "a driver's id_tag whose sessions they may see (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var customer = new Option<string?>("--customer") { Description = "the customer account a driver token belongs to" };
        var hours = new Option<double>("--hours") { Description = "lifetime in hours", DefaultValueFactory = _ => 12 };
        var command = new Command(Verb, "Prints a bearer token signed with this installation's key (settings such as --Charge:Security:Jwt:SigningKey=... may follow)")
        {
            role, subject, idTags, customer, hours,
        };
        // The signing key's settings follow as configuration (--Charge:Security:Jwt:...=...), as for the host.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var tags = parse.GetValue(idTags) ?? [];
            if (parse.GetValue(hours) is <= 0 or > 24 * 366)
            {
                error.WriteLine("--hours must be more than 0 and at most a year (8784)");
                return 2;
            }

            if (parse.GetValue(role) == ChargeRoles.Driver && tags.Length == 0 && parse.GetValue(customer) is null)
            {
                error.WriteLine("a driver token needs at least one --id-tag (the driver's tokens whose sessions they may see) or a --customer");
                return 2;
            }

            var unknown = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith("--Charge:", StringComparison.Ordinal) && !t.StartsWith("--Logging:", StringComparison.Ordinal));
            if (unknown is not null)
            {
                error.WriteLine($"'{unknown}' is not an option of token (see token --help)");
                return 2;
            }

            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .AddCommandLine([.. parse.UnmatchedTokens])
                .Build();
            var options = configuration.ReadChargeOptions<SecurityOptions>(SecurityOptions.Section);
            var key = SigningKeys.Resolve(options.Jwt, error.WriteLine);
            if (key is null)
            {
                error.WriteLine("tokens come from the configured Charge:Security:Jwt:Authority; ask that issuer for one");
                return 2;
            }

            var who = parse.GetValue(role)!;
            output.WriteLine(TokenIssuer.Mint(options.Jwt, key, who, parse.GetValue(subject) ?? who, tags,
                TimeSpan.FromHours(parse.GetValue(hours)), customerId: parse.GetValue(customer)));
            return 0;
        });
        return command;
    }

    private static Command Health()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "the endpoint, e.g. http://127.0.0.1:8081/health/ready",
            Required = true,
            CustomParser = r =>
            {
                if (Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                r.AddError($"--url '{r.Tokens[0].Value}' is not an http(s) URL");
                return null;
            },
        };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the answer", DefaultValueFactory = _ => 10 };
        var command = new Command(HealthVerb, "Exits 0 when the health endpoint answers 200, 1 otherwise (for container health checks)") { url, timeout };
        command.SetAction(async (parse, cancellation) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            try
            {
                using var response = await http.GetAsync(parse.GetValue(url), cancellation);
                parse.InvocationConfiguration.Output.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"no answer from {parse.GetValue(url)}: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
