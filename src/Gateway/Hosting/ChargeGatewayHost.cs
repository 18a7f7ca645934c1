namespace Charge.Gateway.Hosting;

/// <summary>Builds the stand-alone gateway process: an Orleans client of a cluster that runs elsewhere.</summary>
public static class ChargeGatewayHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.UseChargeClusterClient();
        builder.AddChargeGateway();
        builder.AddChargeTelemetry("gateway", web: true);
        var app = builder.Build();
        app.MapChargeGateway();
        FirstRun.AnnounceWhenStarted(app, "Gateway");
        return app;
    }
}
