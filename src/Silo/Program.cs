using Charge.Gateway.Hosting;
using Charge.Silo;

// A silo; by default it co-hosts the gateway, so one command runs the whole system on one machine.
var settings = new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory };
var probe = WebApplication.CreateBuilder(settings);
var hostGateway = probe.Configuration.GetValue("Charge:Silo:HostGateway", true);

if (hostGateway)
{
    var builder = probe;
    builder.AddChargeSilo();
    builder.AddChargeGateway();
    var app = builder.Build();
    app.MapChargeGateway();
    SiloHostingExtensions.LogStorageMode(app.Logger);
    await app.RunAsync();
}
else
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddChargeSilo();
    using var host = builder.Build();
    SiloHostingExtensions.LogStorageMode(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Charge.Silo"));
    await host.RunAsync();
}

/// <summary>Entry point, visible to tests that host the silo.</summary>
public partial class Program;
