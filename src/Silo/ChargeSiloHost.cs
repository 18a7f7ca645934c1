using Charge.Gateway.Hosting;

namespace Charge.Silo;

/// <summary>Builds the silo process: by default it co-hosts the gateway, so one command runs the whole system.</summary>
public static class ChargeSiloHost
{
    public static IHost Build(string[] args)
    {
        var siloOnly = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (!siloOnly.Configuration.GetValue("Charge:Silo:HostGateway", true))
        {
            // A silo alone serves Orleans clients (stand-alone gateways) only: no HTTP endpoints.
            siloOnly.AddChargeSilo();
            var silo = siloOnly.Build();
            SiloHostingExtensions.LogStorageMode(silo.Services, silo.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Charge.Silo"));
            return silo;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddChargeSilo();
        builder.AddChargeGateway();
        var app = builder.Build();
        app.MapChargeGateway();
        SiloHostingExtensions.LogStorageMode(app.Services, app.Logger);
        return app;
    }
}
