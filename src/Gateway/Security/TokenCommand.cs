using Charge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Charge.Gateway.Security;

/// <summary>
/// `token --role operator|driver [--subject NAME] [--id-tag TAG]... [--customer ID] [--hours N]`: prints a bearer token signed with
/// the key this installation validates with (the way to the first operator token).
/// </summary>
public static class TokenCommand
{
    public const string Verb = "token";

    /// <summary>Runs the command when args start with its verb; returns the exit code, or null when they do not.</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != Verb)
        {
            return null;
        }

        string? role = null, subject = null, customer = null;
        var idTags = new List<string>();
        var hours = 12.0;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--role": role = Next(); break;
                case "--subject": subject = Next(); break;
                case "--id-tag": idTags.Add(Next()); break;
                case "--customer": customer = Next(); break;
                case "--hours": hours = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                default: rest.Add(args[i]); break;
            }
        }

        if (role is not (ChargeRoles.Operator or ChargeRoles.Driver))
        {
            error.WriteLine("usage: token --role operator|driver [--subject NAME] [--id-tag TAG]... [--customer ID] [--hours N] [--Charge:Security:Jwt:...=...]");
            return 2;
        }

        if (role == ChargeRoles.Driver && idTags.Count == 0 && customer is null)
        {
            error.WriteLine("a driver token needs at least one --id-tag (the driver's tokens whose sessions they may see) or a --customer");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. rest])
            .Build();
        var options = configuration.ReadChargeOptions<SecurityOptions>(SecurityOptions.Section);
        var key = SigningKeys.Resolve(options.Jwt, error.WriteLine);
        if (key is null)
        {
            error.WriteLine("tokens come from the configured Charge:Security:Jwt:Authority; ask that issuer for one");
            return 2;
        }

        output.WriteLine(TokenIssuer.Mint(options.Jwt, key, role, subject ?? role, idTags, TimeSpan.FromHours(hours), customerId: customer));
        return 0;
    }
}
