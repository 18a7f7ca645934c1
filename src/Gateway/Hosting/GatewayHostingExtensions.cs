using Charge.Gateway.Ocpp.Handlers;
using System.Net;
using Charge.Gateway.Security;
using Charge.Gateway.Services;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Charge.Gateway.Hosting;

/// <summary>
/// The gateway's endpoints, composed the same way whether the gateway runs in its own process (an Orleans
/// client) or inside a silo (the embedded default).
/// </summary>
public static class GatewayHostingExtensions
{
    /// <summary>The largest request body or gRPC message accepted.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    public static WebApplicationBuilder AddChargeGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddChargeOptions<GatewayOptions>(builder.Configuration, GatewayOptions.Section);

        var options = builder.Configuration.ReadChargeOptions<GatewayOptions>(GatewayOptions.Section);
        builder.Services.AddChargeOptions<RateLimitOptions>(builder.Configuration, RateLimitOptions.Section);
        builder.Services.AddSingleton<ChargerRateLimiter>();
        builder.Services.AddChargeOptions<CommandRateLimitOptions>(builder.Configuration, CommandRateLimitOptions.Section);
        builder.Services.AddSingleton<CommandRateLimiter>();
        builder.AddChargeSecurity();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // REST bodies are small (the largest is a tariff document); refuse anything larger outright.
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
            Listen(kestrel, options.HttpUrl, HttpProtocols.Http1, nameof(GatewayOptions.HttpUrl));
            Listen(kestrel, options.GrpcUrl, HttpProtocols.Http2, nameof(GatewayOptions.GrpcUrl));
            if (options.HttpsUrl.Length > 0)
            {
                if (!File.Exists(options.CertificatePath))
                {
                    throw new InvalidOperationException($"Charge:Gateway:HttpsUrl needs Charge:Gateway:CertificatePath, a PFX file ('{options.CertificatePath}' does not exist)");
                }

                var authority = ChargerCertificates.Authority(options.ChargerCertificateAuthorityPath);
                // ALPN picks HTTP/2 for gRPC clients and HTTP/1.1 for REST and WebSocket (wss) clients.
                Listen(kestrel, options.HttpsUrl, HttpProtocols.Http1AndHttp2, nameof(GatewayOptions.HttpsUrl),
                    listen => listen.UseHttps(https =>
                    {
                        https.ServerCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                            options.CertificatePath, options.CertificatePassword);
                        if (authority is not null)
                        {
                            // Profile 3: a client certificate is asked for, not required (Profile 2 clients send none),
                            // and one that does not chain to the chargers' authority ends the handshake.
                            https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                            https.ClientCertificateValidation = (certificate, _, _) => ChargerCertificates.IssuedBy(certificate, authority);
                        }
                    }));
            }
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ErrorMappingInterceptor>();
        builder.Services
            .AddGrpc(grpc =>
            {
                grpc.Interceptors.Add<ErrorMappingInterceptor>();
                grpc.Interceptors.Add<DrainInterceptor>();
                grpc.MaxReceiveMessageSize = MaxRequestBytes;
            })
            .AddJsonTranscoding();
        builder.Services.AddGrpcReflection();
        builder.Services.AddChargeOptions<Ocpp.OcppOptions>(builder.Configuration, Ocpp.OcppOptions.Section);
        builder.Services.AddSingleton<Ocpp.OcppConnections>();
        builder.Services.AddSingleton<GatewayDrain>();
        builder.Services.AddSingleton<Ocpp.OcppCentralSystem>();
        builder.Services.AddSingleton<Ocpp.OcppCostNotifier>();
        builder.Services.AddSingleton<Ocpp.OcppLocalList>();
        builder.Services.AddSingleton<Ocpp.OcppSmartCharging>();
        // One handler per action and version charge points may send: OCPP 1.6J (Core profile and the two notifications).
        builder.Services.AddSingleton<IOcppHandler, BootNotificationHandler>();
        builder.Services.AddSingleton<IOcppHandler, HeartbeatHandler>();
        builder.Services.AddSingleton<IOcppHandler, StatusNotificationHandler>();
        builder.Services.AddSingleton<IOcppHandler, AuthorizeHandler>();
        builder.Services.AddSingleton<IOcppHandler, StartTransactionHandler>();
        builder.Services.AddSingleton<IOcppHandler, MeterValuesHandler>();
        builder.Services.AddSingleton<IOcppHandler, StopTransactionHandler>();
        builder.Services.AddSingleton<IOcppHandler, DataTransferHandler>();
        foreach (var action in new[] { "DiagnosticsStatusNotification", "FirmwareStatusNotification" })
        {
            builder.Services.AddSingleton<IOcppHandler>(sp => new StatusReportHandler(action, sp.GetRequiredService<TimeProvider>()));
        }

        // OCPP 2.0.1 (Ocpp/V201): the actions handled so far; any other is NotImplemented (docs/ocpp.md lists them).
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.BootNotification201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.Heartbeat201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.StatusNotification201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.Authorize201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.TransactionEvent201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.MeterValues201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.DataTransfer201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.SecurityEvent201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.NotifyReport201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.NotifyChargingLimit201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.ClearedChargingLimit201Handler>();
        builder.Services.AddSingleton<IOcppHandler, Ocpp.V201.NotifyEvent201Handler>();
        foreach (var action in new[] { "FirmwareStatusNotification", "LogStatusNotification" })
        {
            builder.Services.AddSingleton<IOcppHandler>(sp => new Ocpp.V201.Confirmed201Handler(action, sp.GetRequiredService<TimeProvider>()));
        }
        builder.Services.AddSingleton<Ocpp.OcppEndpoint>();
        // Readiness: the cluster serves calls and its storage answers (the gRPC health service reports both too).
        builder.Services.AddGrpcHealthChecks().AddReadinessChecks();
        return builder;
    }

    public static WebApplication MapChargeGateway(this WebApplication app)
    {
        app.UseChargeErrorBodies();
        // A body announced larger than the limit is refused before anything reads it (413, not a parse error).
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { code = 413, message = $"request bodies are limited to {MaxRequestBytes / 1024} KiB" }));
                return;
            }

            await next();
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseChargeJsonBodyCheck();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var ocpp = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Ocpp.OcppOptions>>().Value;
        // OCPP 1.6 Security Profile 1/2: the charge point is authenticated on the upgrade request, before any message.
        app.Map($"{ocpp.PathPrefix.TrimEnd('/')}/{{chargePointId}}", (HttpContext context, string chargePointId, Ocpp.OcppEndpoint endpoint) =>
            endpoint.Accept(context, chargePointId))
            .RequireAuthorization(ChargeRoles.Policies.Charger);
        // Each RPC names its policy on the service method.
        app.MapGrpcService<StationGrpcService>();
        app.MapGrpcService<SessionGrpcService>();
        app.MapGrpcService<ChargerGrpcService>();
        app.MapGrpcService<TariffGrpcService>();
        app.MapGrpcService<SiteGrpcService>();
        app.MapGrpcService<ReportGrpcService>();
        app.MapGrpcService<BillingGrpcService>();
        app.MapGrpcService<TokenGrpcService>();
        app.MapGrpcService<CustomerGrpcService>();
        app.MapGrpcReflectionService().RequireAuthorization(ChargeRoles.Policies.Operator);
        // Load balancers and orchestrators probe without credentials; the answer says only serving or not.
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapChargeOperations(ChargeRoles.Policies.Metrics);
        var telemetry = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        if (telemetry.ClusterView)
        {
            // A browser cannot send a bearer token when it opens a page: our dashboard exchanges the operator's token for
            // a cookie that only the cluster view's path receives (HttpOnly, SameSite=Strict, one hour).
            // Typed as a Delegate so the answer is written (a lambda of HttpContext alone would bind as a RequestDelegate,
            // whose result is discarded).
            app.MapPost("/dashboard/cluster-session", (Func<HttpContext, Task<IResult>>)(context =>
                PageSession(context, SecurityHostingExtensions.ClusterViewCookie, SecurityHostingExtensions.ClusterViewPath + "/")))
                .RequireAuthorization(ChargeRoles.Policies.Operator);
            Orleans.Dashboard.ServiceCollectionExtensions.MapOrleansDashboard(app, SecurityHostingExtensions.ClusterViewPath)
                .RequireAuthorization(ChargeRoles.Policies.ClusterView);
        }
        // Invoices as pages a browser opens, prints and links to: the dashboard exchanges the operator's token for a
        // cookie that only these read-only pages receive, as for the cluster view.
        app.MapPost("/dashboard/documents-session", (Func<HttpContext, Task<IResult>>)(context =>
            PageSession(context, SecurityHostingExtensions.DocumentsCookie, SecurityHostingExtensions.DocumentsPath + "/invoices/")))
            .RequireAuthorization(ChargeRoles.Policies.Operator);
        app.MapGet(SecurityHostingExtensions.DocumentsPath + "/invoices/{number}", async (string number, IGrainFactory grains, CancellationToken cancellation) =>
        {
            var invoice = Services.RequestValidation.IsDocumentNumber(number) ? await grains.GetGrain<Charge.Grains.Interfaces.IInvoiceGrain>(number).Get() : null;
            return invoice is null
                ? Results.Text($"invoice '{number}' does not exist", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
                : Results.Text(Billing.InvoiceHtml.Render(invoice), "text/html; charset=utf-8");
        }).RequireAuthorization(ChargeRoles.Policies.Documents);
        app.MapChargeConsole();
        return app;
    }

    /// <summary>Signs the operator in to a page cookie (one hour) and answers where the pages are.</summary>
    private static async Task<IResult> PageSession(HttpContext context, string scheme, string location)
    {
        var identity = new System.Security.Claims.ClaimsIdentity(
            [new("sub", context.User.FindFirst("sub")?.Value ?? ChargeRoles.Operator), new(ChargeRoles.RoleClaim, ChargeRoles.Operator)],
            scheme, "sub", ChargeRoles.RoleClaim);
        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignInAsync(
            context, scheme, new System.Security.Claims.ClaimsPrincipal(identity));
        return Results.Ok(new { location });
    }

    /// <summary>Connects this process to the cluster as an Orleans client (the stand-alone gateway).</summary>
    public static WebApplicationBuilder UseChargeClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadChargeOptions<ChargeClusterOptions>(ChargeClusterOptions.Section);
        builder.UseOrleansClient(client =>
        {
            if (cluster.IsLocalhost)
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }
            else if (cluster.IsRedis)
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(cluster.RedisConnectionString));
            }
            else if (cluster.IsAzureStorage)
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                client.UseAzureStorageClustering(o => o.TableServiceClient = new Azure.Data.Tables.TableServiceClient(
                    cluster.AzureStorageConnectionString ?? throw new InvalidOperationException("Charge:Cluster:AzureStorageConnectionString is required with Provider AzureStorage")));
            }
            else
            {
                throw cluster.Unsupported();
            }

            if (ClusterTls.Certificate(cluster) is { } certificate)
            {
                client.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
            }

            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
            // A request's trace continues into the grains it calls.
            client.AddActivityPropagation();
            if (builder.Configuration.ReadChargeOptions<TelemetryOptions>(TelemetryOptions.Section).ClusterView)
            {
                Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(client);
            }
            // How often the list of silo gateways is re-read (Charge:Cluster:Gateways:GatewayListRefreshPeriod, Orleans default 1 min).
            client.Services.Configure<Orleans.Configuration.GatewayOptions>(builder.Configuration.GetSection($"{ChargeClusterOptions.Section}:Gateways"));
            // A gateway may start before any silo (a cluster restart, a Kubernetes roll-out): keep trying to
            // connect instead of exiting.
            client.UseConnectionRetryFilter(async (exception, cancellation) =>
            {
                Console.Error.WriteLine($"Cluster not reachable yet ({exception.GetType().Name}); retrying in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
                return true;
            });
        });
        return builder;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, string setting, Action<ListenOptions>? tls = null)
    {
        var scheme = tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != scheme)
        {
            throw new InvalidOperationException($"Charge:Gateway:{setting} '{url}' must be an {scheme}:// URL with a port");
        }

        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            tls?.Invoke(listen);
        }

        if (uri.Host is "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (uri.Host is "*" or "+" or "0.0.0.0")
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, Configure);
        }
        else
        {
            throw new InvalidOperationException($"Charge:Gateway:{setting} '{url}' must name an IP address, localhost or *");
        }
    }
}
