using Charge.Gateway.Hosting;

// The stand-alone gateway: an Orleans client of a cluster that runs elsewhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.UseChargeClusterClient();
builder.AddChargeGateway();

var app = builder.Build();
app.MapChargeGateway();
app.Run();

/// <summary>Entry point, visible to tests that host the gateway.</summary>
public partial class Program;
