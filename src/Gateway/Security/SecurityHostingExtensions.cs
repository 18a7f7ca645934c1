using Charge.Gateway.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.Tokens;

namespace Charge.Gateway.Security;

/// <summary>Authentication (bearer tokens, charger Basic credentials) and the authorization policies every endpoint names.</summary>
public static class SecurityHostingExtensions
{
    private const string Selector = "Charge";

    /// <summary>The browser's credential for the cluster view: an operator's bearer token exchanged for a cookie.</summary>
    public const string ClusterViewCookie = "ChargeClusterView";

    /// <summary>Where the cluster view is served; the cookie is sent there only.</summary>
    public const string ClusterViewPath = "/orleans";

    /// <summary>The browser's credential for printable documents (invoices): an operator's bearer token exchanged for a cookie.</summary>
    public const string DocumentsCookie = "ChargeDocuments";

    /// <summary>Where printable documents are served (read only); their cookie is sent there only.</summary>
    public const string DocumentsPath = "/documents";

    /// <summary>
    /// The operator console's credential: the operator's own bearer token, kept in an HttpOnly, SameSite=Strict cookie
    /// and validated exactly as the header would be. The API takes it only from a request that also carries
    /// <see cref="ConsoleHeader"/> (which a cross-site form or link cannot send), or for reading a printable document
    /// or the cluster view (GET).
    /// </summary>
    public const string ConsoleCookie = "charge_console";

    public const string ConsoleHeader = "X-Charge-Console";

    /// <summary>Why the credential of this request was refused, for the 401 body.</summary>
    public const string AuthenticationFailure = "charge.authentication-failure";

    public static WebApplicationBuilder AddChargeSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddChargeOptions<SecurityOptions>(builder.Configuration, SecurityOptions.Section);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ChargerCredentials>();

        var ocppPrefix = new PathString((builder.Configuration.ReadChargeOptions<Ocpp.OcppOptions>(Ocpp.OcppOptions.Section)).PathPrefix.TrimEnd('/'));
        var security = builder.Configuration.ReadChargeOptions<SecurityOptions>(SecurityOptions.Section);
        var warnings = new List<string>();
        var key = SigningKeys.Resolve(security.Jwt, warnings.Add);
        foreach (var warning in warnings)
        {
            Console.Error.WriteLine(warning);
        }

        builder.Services
            .AddAuthentication(Selector)
            // One scheme per kind of credential; the Authorization header's own scheme picks which.
            // One scheme per kind of credential; the Authorization header's own scheme picks which. Without one, the
            // challenge a charge point understands on the OCPP path (Basic), a bearer challenge elsewhere.
            .AddPolicyScheme(Selector, "Bearer token or charger credential", o => o.ForwardDefaultSelector = context =>
            {
                var authorization = context.Request.Headers.Authorization.ToString();
                if (authorization.Length == 0 && context.Request.Path.StartsWithSegments(ClusterViewPath))
                {
                    return ClusterViewCookie;
                }

                if (authorization.Length == 0 && context.Request.Path.StartsWithSegments(DocumentsPath))
                {
                    return DocumentsCookie;
                }

                return authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                       || (authorization.Length == 0 && context.Request.Path.StartsWithSegments(ocppPrefix))
                    ? ChargerAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme;
            })
            .AddCookie(ClusterViewCookie, o => PageCookie(o, "charge_cluster_view", ClusterViewPath))
            .AddCookie(DocumentsCookie, o => PageCookie(o, "charge_documents", DocumentsPath))
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ChargerAuthenticationHandler>(ChargerAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (key is null)
                {
                    o.Authority = security.Jwt.Authority;
                }

                o.RequireHttpsMetadata = key is null && !security.Jwt.Authority!.StartsWith("http://127.0.0.1", StringComparison.Ordinal);
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Jwt.Issuer,
                    ValidAudience = security.Jwt.Audience,
                    IssuerSigningKey = key,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = security.Jwt.ClockSkew,
                    NameClaimType = "sub",
                    RoleClaimType = ChargeRoles.RoleClaim,
                };
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        var request = context.Request;
                        if (request.Headers.Authorization.Count == 0
                            && request.Cookies.TryGetValue(ConsoleCookie, out var token) && token.Length > 0
                            && (request.Headers.ContainsKey(ConsoleHeader)
                                || (HttpMethods.IsGet(request.Method) && (request.Path.StartsWithSegments(DocumentsPath) || request.Path.StartsWithSegments(ClusterViewPath)))))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = context =>
                    {
                        context.HttpContext.Items[AuthenticationFailure] = context.Exception.Message;
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        var roles = context.Principal!.FindAll(ChargeRoles.RoleClaim).Select(c => c.Value).ToArray();
                        if (roles.Length != 1 || !ChargeRoles.BearerRoles.Contains(roles[0]) || context.Principal.HasClaim(c => c.Type == ChargeRoles.ChargerIdClaim))
                        {
                            const string why = "a bearer token carries exactly one role, operator or driver; chargers authenticate with their Basic credential";
                            context.HttpContext.Items[AuthenticationFailure] = why;
                            context.Fail(why);
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            // An endpoint that names no policy still needs an authenticated caller; the tests require every RPC to name one.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            // Only the charger credential scheme makes a charger: a bearer token claiming role=charger never does.
            .AddPolicy(ChargeRoles.Policies.Charger, p => p.RequireAssertion(c => c.User.ChargerId() is not null))
            .AddPolicy(ChargeRoles.Policies.Operator, p => p.RequireClaim(ChargeRoles.RoleClaim, ChargeRoles.Operator))
            .AddPolicy(ChargeRoles.Policies.DriverOrOperator, p => p.RequireClaim(ChargeRoles.RoleClaim, ChargeRoles.Driver, ChargeRoles.Operator))
            .AddPolicy(ChargeRoles.Policies.Metrics, p => p.RequireAssertion(c => c.User.IsOperator()
                || (c.Resource is HttpContext http && TelemetryHosting.FromScrapeNetwork(http,
                    http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value))))
            .AddPolicy(ChargeRoles.Policies.ClusterView, p => p
                .AddAuthenticationSchemes(ClusterViewCookie, JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(ChargeRoles.RoleClaim, ChargeRoles.Operator))
            .AddPolicy(ChargeRoles.Policies.Documents, p => p
                .AddAuthenticationSchemes(DocumentsCookie, JwtBearerDefaults.AuthenticationScheme)
                .RequireClaim(ChargeRoles.RoleClaim, ChargeRoles.Operator));

        return builder;
    }

    /// <summary>
    /// A cookie a browser sends only to one path of pages (HttpOnly, SameSite=Strict, one hour, not renewed): what an
    /// operator's token is exchanged for when a page must open without a bearer header. It never reaches the API.
    /// </summary>
    private static void PageCookie(CookieAuthenticationOptions o, string name, string path)
    {
        o.Cookie.Name = name;
        o.Cookie.Path = path;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromHours(1);
        o.SlidingExpiration = false;
        // A page answers 401/403, never a redirect to a login page we do not have.
        o.Events.OnRedirectToLogin = c =>
        {
            c.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToAccessDenied = c =>
        {
            c.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }
}
