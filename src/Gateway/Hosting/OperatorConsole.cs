using System.Collections.Concurrent;
using Charge.Gateway.Security;

namespace Charge.Gateway.Hosting;

/// <summary>
/// The operator console: static files embedded in the gateway (they hold no data), and the sign-in that keeps the
/// operator's token in a cookie. Every figure and action on its pages is a call to the public API, authorized there.
/// </summary>
public static class OperatorConsole
{
    private static readonly ConcurrentDictionary<string, byte[]> Files = new();

    public static WebApplication MapChargeConsole(this WebApplication app)
    {
        app.MapGet("/", () => File("index.html")).AllowAnonymous();
        app.MapGet("/console/{name}", (string name) => File(name)).AllowAnonymous();

        // Sign-in: the operator's bearer token (minted by the token command or issued by the OpenID Connect authority)
        // is checked by the API's own policy, then kept in an HttpOnly cookie until the token itself expires.
        app.MapPost("/console/session", (Func<HttpContext, IResult>)(context =>
        {
            // The token that was just authorized: the bearer header's, or (a console already signed in) its cookie's.
            var header = context.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? header["Bearer ".Length..].Trim()
                : context.Request.Cookies[SecurityHostingExtensions.ConsoleCookie] ?? "";
            var expires = Expiry(context);
            context.Response.Cookies.Append(SecurityHostingExtensions.ConsoleCookie, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
                Expires = expires,
            });
            return Results.Ok(new { subject = context.User.FindFirst("sub")?.Value ?? "", expiresAt = expires });
        })).RequireAuthorization(ChargeRoles.Policies.Operator);

        // Who is signed in (the page asks on load); 401 when no one is, 403 for a token that is not an operator's.
        app.MapGet("/console/session", (Func<HttpContext, IResult>)(context =>
            Results.Ok(new { subject = context.User.FindFirst("sub")?.Value ?? "", expiresAt = Expiry(context) })))
            .RequireAuthorization(ChargeRoles.Policies.Operator);

        app.MapDelete("/console/session", (Func<HttpContext, IResult>)(context =>
        {
            context.Response.Cookies.Delete(SecurityHostingExtensions.ConsoleCookie, new CookieOptions { Path = "/" });
            return Results.NoContent();
        })).AllowAnonymous();
        return app;
    }

    private static DateTimeOffset? Expiry(HttpContext context) =>
        long.TryParse(context.User.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;

    public static IResult File(string name)
    {
        // Only names that are resources get cached, so probing random names costs nothing lasting.
        if (!Files.TryGetValue(name, out var content))
        {
            using var stream = typeof(OperatorConsole).Assembly.GetManifestResourceStream($"console.{name}");
            if (stream is null)
            {
                return Results.NotFound();
            }

            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            content = Files[name] = copy.ToArray();
        }

        var type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Bytes(content, type);
    }
}
