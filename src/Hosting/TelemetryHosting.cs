using System.ComponentModel.DataAnnotations;
using System.Net;
using Charge.Grains.Interfaces;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Charge.Hosting;

/// <summary>Metrics, traces and the operations endpoints, bound from <c>Charge:Telemetry</c>.</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Charge:Telemetry";

    private IPNetwork[]? _networks;

    /// <summary>
    /// An OTLP collector (e.g. http://otel-collector:4317) that receives metrics, traces and logs; empty: none (the
    /// default). The standard OTEL_EXPORTER_OTLP_* variables refine it (protocol, headers).
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>
    /// Networks (CIDR, e.g. 10.0.0.0/8) whose callers may scrape <c>/metrics</c> without a token (Prometheus inside
    /// the cluster); everyone else needs an operator token. Empty: operators only.
    /// </summary>
    public string[] ScrapeNetworks { get; set; } = [];

    /// <summary><see cref="ScrapeNetworks"/> parsed (once: they were validated at start-up).</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks ??= [.. ScrapeNetworks.Select(n => IPNetwork.Parse(n))];

    /// <summary>The Orleans Dashboard (cluster view) at <c>/orleans</c>, for operators.</summary>
    public bool ClusterView { get; set; } = true;

    /// <summary>Traces are recorded (and exported over OTLP) for this share of requests, 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double TraceSampling { get; set; } = 1.0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < ScrapeNetworks.Length; i++)
        {
            if (!IPNetwork.TryParse(ScrapeNetworks[i], out _))
            {
                // Named as its configuration key (ScrapeNetworks:0).
                yield return new ValidationResult($"'{ScrapeNetworks[i]}' is not a network in CIDR notation (10.0.0.0/8)", [$"{nameof(ScrapeNetworks)}:{i}"]);
            }
        }

        if (OtlpEndpoint.Length > 0 && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"'{OtlpEndpoint}' is not an http(s) URL", [nameof(OtlpEndpoint)]);
        }
    }
}

/// <summary>
/// What every process of Orleans.Charge reports (eShop's ServiceDefaults, in one place): OpenTelemetry metrics
/// (our meters, ASP.NET Core, gRPC, HTTP client, runtime, Orleans) scraped at <c>/metrics</c> or pushed over OTLP;
/// traces across gateway, grains and storage when an OTLP endpoint is configured; log lines carrying the trace ID;
/// liveness and readiness probes.
/// </summary>
public static class TelemetryHosting
{
    /// <summary>Readiness checks carry this tag; liveness has none (the process answers).</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddChargeTelemetry(this IHostApplicationBuilder builder, string role, bool web)
    {
        builder.Services.AddChargeOptions<TelemetryOptions>(builder.Configuration, TelemetryOptions.Section);
        var options = builder.Configuration.ReadChargeOptions<TelemetryOptions>(TelemetryOptions.Section);
        var otlp = options.OtlpEndpoint.Length > 0 ? new Uri(options.OtlpEndpoint) : null;

        // One line per entry, stamped in UTC, so a console log reads as a timeline.
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff'Z' ";
        });
        // Log lines written inside a request or a grain call carry its trace and span IDs.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"orleans-charge-{role}", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChargeTelemetry.Meters)
                    // Orleans' own meter (grain calls, activations, messaging, storage) and Kestrel; gRPC calls are in ASP.NET Core's
                    // request duration by route (the gRPC server publishes EventCounters, not a Meter).
                    .AddMeter("Microsoft.Orleans", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddRuntimeInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (web)
                {
                    metrics.AddAspNetCoreInstrumentation();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            // Off by default: a span per reading costs on the hottest path; an operator turns it on with a collector.
            telemetry.WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampling)))
                    .AddSource(ChargeTelemetry.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                    .AddHttpClientInstrumentation()
                    .AddOtlpExporter(o => o.Endpoint = otlp);
                if (web)
                {
                    tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperationsPath(context.Request.Path));
                }
            });
            telemetry.WithLogging(logs => logs.AddOtlpExporter(o => o.Endpoint = otlp), o => o.IncludeScopes = true);
        }

        return builder;
    }

    /// <summary>What readiness checks: the cluster serves calls, and storage answers as seen from a silo.</summary>
    public static IHealthChecksBuilder AddReadinessChecks(this IHealthChecksBuilder checks) => checks
        .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag])
        .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);

    /// <summary>Probes and the scrape endpoint: not traced, never rate-limited by anything of ours.</summary>
    public static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics");

    /// <summary>
    /// <c>/health/live</c> (the process answers), <c>/health/ready</c> (every check tagged ready: the cluster serves
    /// calls and its storage answers) and <c>/metrics</c> (Prometheus text, for operators and the scrape networks).
    /// </summary>
    public static WebApplication MapChargeOperations(this WebApplication app, string? metricsPolicy)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealth,
        }).AllowAnonymous();
        if (metricsPolicy is null)
        {
            // No authentication here (a silo alone): only the scrape networks may read the metrics.
            var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
            app.Use((context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/metrics") && !FromScrapeNetwork(context, options))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return context.Response.WriteAsync("metrics are served to the scrape networks only (Charge:Telemetry:ScrapeNetworks)");
                }

                return next(context);
            });
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        else
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(metricsPolicy);
        }

        return app;
    }

    /// <summary>Whether the caller's address lies in one of the scrape networks.</summary>
    public static bool FromScrapeNetwork(HttpContext context, TelemetryOptions options)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return false;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return options.Networks.Any(n => n.Contains(address));
    }

    /// <summary>The readiness answer: the overall status, and what failed.</summary>
    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

/// <summary>Ready only when storage answers, as seen from a silo (a stateless worker on the silo that serves the call).</summary>
public sealed class StorageHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await grains.GetGrain<IStorageProbeGrain>(0).Check().WaitAsync(TimeSpan.FromSeconds(8), cancellationToken);
            // Overloaded is degraded, still ready (200): restarting a busy silo would only move its queue elsewhere.
            return result.Condition switch
            {
                StorageCondition.Healthy => HealthCheckResult.Healthy(result.Description),
                StorageCondition.Overloaded => HealthCheckResult.Degraded(result.Description),
                _ => HealthCheckResult.Unhealthy(result.Description),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer");
        }
    }
}
