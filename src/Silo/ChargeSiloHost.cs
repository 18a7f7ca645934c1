using Charge.Gateway.Hosting;

namespace Charge.Silo;

/// <summary>Builds the silo process: by default it co-hosts the gateway, so one command runs the whole system.</summary>
public static class ChargeSiloHost
{
    public static IHost Build(string[] args)
    {
        var settings = new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory };
        var builder = WebApplication.CreateBuilder(settings);
        if (!builder.Configuration.GetValue("Charge:Silo:HostGateway", true))
        {
            return BuildSiloOnly(builder, args);
        }

        builder.AddChargeSilo();
        builder.AddChargeGateway();
        builder.AddChargeTelemetry("silo", web: true);
        var app = builder.Build();
        app.MapChargeGateway();
        SiloHostingExtensions.LogStorageMode(app.Services, app.Logger);
        FirstRun.AnnounceWhenStarted(app, "Silo");
        return app;
    }

    /// <summary>
    /// A silo alone serves Orleans clients (stand-alone gateways). Its only HTTP endpoints, on Charge:Silo:HttpUrl
    /// (none when empty), are the probes and the metrics scrape for the cluster network.
    /// </summary>
    private static IHost BuildSiloOnly(WebApplicationBuilder web, string[] args)
    {
        var url = web.Configuration.GetValue("Charge:Silo:HttpUrl", "") ?? "";
        if (url.Length == 0)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.AddChargeSilo();
            builder.AddChargeTelemetry("silo", web: false);
            var silo = builder.Build();
            SiloHostingExtensions.LogStorageMode(silo.Services, silo.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Charge.Silo"));
            return silo;
        }

        web.WebHost.UseUrls(url);
        web.AddChargeSilo();
        web.AddChargeTelemetry("silo", web: true);
        web.Services.AddHealthChecks().AddReadinessChecks();
        var app = web.Build();
        app.MapChargeOperations(metricsPolicy: null);
        SiloHostingExtensions.LogStorageMode(app.Services, app.Logger);
        return app;
    }
}
