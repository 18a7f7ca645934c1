using Charge.Gateway.Hosting;
using Charge.Grains;
using Charge.Grains.Interfaces;

namespace Charge.Silo;

/// <summary>How a silo is composed: clustering from configuration, then the providers the grains need.</summary>
public static partial class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddChargeSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ChargeClusterOptions.Section).Get<ChargeClusterOptions>() ?? new ChargeClusterOptions();
        builder.Services.AddChargeGrains(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            if (!cluster.IsLocalhost)
            {
                throw new InvalidOperationException(
                    $"Charge:Cluster:Provider '{cluster.Provider}' is not supported yet; use 'Localhost'");
            }

            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.AddChargeProviders();
        });
        return builder;
    }

    /// <summary>Grain storage and streams, shared by the real silo and the test cluster.</summary>
    public static ISiloBuilder AddChargeProviders(this ISiloBuilder silo)
    {
        // Durable Azure Storage replaces this with the storage issue; until then state lives as long as the silo.
        silo.AddMemoryGrainStorage(StorageNames.Charge);
        silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
        silo.AddMemoryStreams(StreamNames.Provider);
        return silo;
    }

    public static void LogStorageMode(ILogger logger) => LogMemoryStorage(logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Grain state is kept IN MEMORY: every session, charger and reading is lost when this silo stops. Durable Azure Storage is not configured yet.")]
    private static partial void LogMemoryStorage(ILogger logger);
}
