using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Charge.Gateway.Hosting;
using Charge.Grains;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Charge.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using StackExchange.Redis;

namespace Charge.Silo;

/// <summary>How a silo is composed: clustering and storage from configuration, then the providers the grains need.</summary>
public static partial class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddChargeSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadChargeOptions<ChargeClusterOptions>(ChargeClusterOptions.Section);
        var storage = builder.Configuration.ReadChargeOptions<ChargeStorageOptions>(ChargeStorageOptions.Section);
        builder.Services.AddChargeOptions<ChargeStorageOptions>(builder.Configuration, ChargeStorageOptions.Section);
        builder.Services.AddChargeGrains(builder.Configuration);
        var mode = ResolveStorage(storage);
        builder.Services.AddSingleton(mode);
        if (mode.Azurite is { } azurite)
        {
            // Registered before Orleans, so it stops after the silo has drained its grains and written their state.
            builder.Services.AddHostedService(_ => new AzuriteLifetime(azurite));
        }

        builder.UseOrleans(silo =>
        {
            if (cluster.IsLocalhost)
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            else if (cluster.IsRedis)
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIp), cluster.SiloPort, cluster.GatewayPort, cluster.ListenOnAnyHostAddress);
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
                if (cluster.Kubernetes)
                {
                    // Pod IP, cluster and service IDs from the pod's environment; pods that are gone leave the membership.
                    silo.UseKubernetesHosting();
                }
            }
            else if (cluster.IsAzureStorage)
            {
                // One backing service for a whole cluster: membership in a table of the grains' storage account.
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.ConfigureEndpoints(AdvertisedAddress(cluster.AdvertisedIp), cluster.SiloPort, cluster.GatewayPort, cluster.ListenOnAnyHostAddress);
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(
                    cluster.AzureStorageConnectionString ?? mode.ConnectionString
                    ?? throw new InvalidOperationException("Charge:Cluster:AzureStorageConnectionString (or Charge:Storage:ConnectionString) is required with Provider AzureStorage")));
            }
            else
            {
                throw cluster.Unsupported();
            }

            if (ClusterTls.Certificate(cluster) is { } certificate)
            {
                silo.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
            }

            // Failure detection and timeouts are tunable (Charge:Cluster:Membership:*), e.g. to fail over in seconds.
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{ChargeClusterOptions.Section}:Membership"));
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);

            if (mode.ConnectionString is { } connection)
            {
                silo.AddChargeAzureStorage(connection, storage);
            }
            else
            {
                silo.AddMemoryGrainStorage(StorageNames.Charge);
                silo.UseInMemoryReminderService();
            }

            var poll = builder.Configuration.GetValue<TimeSpan?>("Charge:Streams:PollPeriod");
            if (poll is { } p && (p < TimeSpan.FromMilliseconds(1) || p > TimeSpan.FromSeconds(10)))
            {
                throw new InvalidOperationException($"Charge:Streams:PollPeriod {p} must be between 1 ms and 10 s");
            }

            silo.AddChargeStreams(poll);
            Storage.MeasuredGrainStorage.Decorate(silo.Services, StorageNames.Charge);
            // Grain calls carry the caller's trace; the cluster view (when on) profiles grain calls on every silo.
            silo.AddActivityPropagation();
            if (builder.Configuration.ReadChargeOptions<TelemetryOptions>(TelemetryOptions.Section).ClusterView)
            {
                Orleans.Dashboard.ServiceCollectionExtensions.AddDashboard(silo, o => o.HideTrace = true);
            }
            // Reminders as short as the sessions' settings ask for (Orleans refuses periods under its minimum, 1 min).
            var sessions = builder.Configuration.ReadChargeOptions<Charge.Grains.Sessions.SessionOptions>(Charge.Grains.Sessions.SessionOptions.Section);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = new[] { o.MinimumReminderPeriod, sessions.FollowUpReminderPeriod, sessions.AbandonedSweepPeriod }.Min());
        });
        return builder;
    }

    private static IPAddress AdvertisedAddress(string setting) =>
        setting.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
              ?? IPAddress.Loopback
            : IPAddress.Parse(setting);

    /// <summary>Memory storage and the streams: the test cluster's composition.</summary>
    public static ISiloBuilder AddChargeProviders(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Charge);
        silo.UseInMemoryReminderService();
        return silo.AddChargeStreams();
    }

    /// <summary>
    /// How often the stream's pulling agents look for new batches (Orleans' default 100 ms). It bounds how soon a
    /// reading reaches its session and a driver's live view; polling every 10 ms costs an idle silo a little CPU
    /// (the measurements are in docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan DefaultStreamPollPeriod = TimeSpan.FromMilliseconds(10);

    public static ISiloBuilder AddChargeStreams(this ISiloBuilder silo, TimeSpan? pollPeriod = null)
    {
        // Only implicit subscriptions are used: with ImplicitOnly there is no pub-sub state at all, so nothing a crash
        // could leave unreadable (producers never register; consumers are found by their subscription attribute).
        silo.AddMemoryStreams(StreamNames.Provider, b =>
        {
            b.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            b.ConfigurePullingAgent(o => o.Configure(a => a.GetQueueMsgsTimerPeriod = pollPeriod ?? DefaultStreamPollPeriod));
        });
        return silo;
    }

    /// <summary>
    /// Grain state in blobs (the official Orleans Azure blob provider, ETag concurrency), reminders and completed
    /// sessions in tables, all in one storage account. The clients fail fast: a storage outage answers within a few
    /// seconds (then UNAVAILABLE to the caller) instead of retrying for half a minute.
    /// </summary>
    /// <param name="clients">Further settings of the storage clients (blob and table), applied after the silo's own.</param>
    public static ISiloBuilder AddChargeAzureStorage(this ISiloBuilder silo, string connectionString, ChargeStorageOptions options,
        Action<Azure.Core.ClientOptions>? clients = null)
    {
        var blobOptions = new Azure.Storage.Blobs.BlobClientOptions();
        FailFast(blobOptions.Retry);
        var tableOptions = new TableClientOptions();
        FailFast(tableOptions.Retry);
        if (options.MaxRequestsInFlight > 0)
        {
            // One limit for blobs and tables: they are one storage account (one Azurite).
            var limit = new StorageRequestLimit(options.MaxRequestsInFlight);
            blobOptions.AddPolicy(limit, Azure.Core.HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(limit, Azure.Core.HttpPipelinePosition.PerRetry);
        }

        clients?.Invoke(blobOptions);
        clients?.Invoke(tableOptions);
        silo.AddAzureBlobGrainStorage(StorageNames.Charge, (AzureBlobStorageOptions o) =>
        {
            o.BlobServiceClient = new BlobServiceClient(connectionString, blobOptions);
            o.ContainerName = options.Container;
        });
        silo.Services.AddOptions<AzureBlobStorageOptions>(StorageNames.Charge).Configure<IServiceProvider>((o, sp) =>
            o.GrainStorageSerializer = options.Serializer == "Orleans"
                ? new OrleansGrainStorageSerializer(sp.GetRequiredService<Orleans.Serialization.Serializer>())
                : new JsonGrainStateSerializer());
        // A retried write that met its own first try is a success, not a conflict (see LandedWriteCheck).
        MeasuredGrainStorage.Wrap(silo.Services, StorageNames.Charge, (sp, inner) => new LandedWriteCheck(inner,
            () => sp.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(StorageNames.Charge).GrainStorageSerializer,
            sp.GetRequiredService<ILogger<LandedWriteCheck>>()));
        // A session its charger is creating is not read from storage first (see NewGrains).
        silo.Services.TryAddSingleton<NewGrains>();
        MeasuredGrainStorage.Wrap(silo.Services, StorageNames.Charge, (sp, inner) => new NewGrainReads(inner, sp.GetRequiredService<NewGrains>()));
        var archive = new TableSessionArchive(new TableServiceClient(connectionString, tableOptions).GetTableClient(options.ArchiveTable));
        // Reminders (the abandoned-session sweep, follow-ups) in a table of the same account: they fire after any crash.
        silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(connectionString, tableOptions));
        silo.Services.AddSingleton<ISessionArchive>(archive);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new ArchiveInitializer(archive.InitAsync));
        var invoices = new TableInvoiceRegister(new TableServiceClient(connectionString, tableOptions).GetTableClient(options.InvoiceTable));
        silo.Services.AddSingleton<IInvoiceRegister>(invoices);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new ArchiveInitializer(invoices.InitAsync));
        var log = new AppendBlobReadingLog(new BlobServiceClient(connectionString, blobOptions).GetBlobContainerClient(options.ReadingLogContainer));
        silo.Services.AddSingleton<Charge.Grains.Sessions.IReadingLog>(log);
        silo.Services.AddSingleton<Charge.Grains.Health.IStorageProbe>(new BlobStorageProbe(new BlobServiceClient(connectionString, blobOptions)));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new ArchiveInitializer(log.InitAsync));
        return silo;
    }

    /// <summary>Two quick retries of a transient failure, each try bounded, so an outage is reported in seconds.</summary>
    private static void FailFast(Azure.Core.RetryOptions retry)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = TimeSpan.FromSeconds(3);
    }

    /// <summary>Which storage this silo uses, decided once at start.</summary>
    public sealed record StorageMode(string? ConnectionString, string Description, EmbeddedAzurite? Azurite);

    private static StorageMode ResolveStorage(ChargeStorageOptions o)
    {
        switch (o.Provider.ToLowerInvariant())
        {
            case "memory":
                return new StorageMode(null, "memory (configured)", null);
            case "azureblob":
                return string.IsNullOrWhiteSpace(o.ConnectionString)
                    ? throw new InvalidOperationException("Charge:Storage:ConnectionString is required with Provider AzureBlob")
                    : new StorageMode(o.ConnectionString, $"Azure Storage (container {o.Container}, table {o.ArchiveTable})", null);
            case "auto":
                if (!string.IsNullOrWhiteSpace(o.ConnectionString))
                {
                    return new StorageMode(o.ConnectionString, $"Azure Storage (container {o.Container}, table {o.ArchiveTable})", null);
                }

                var azurite = EmbeddedAzurite.TryStart(o.AzuriteLocation, Console.Out);
                return azurite is null
                    ? new StorageMode(null, "memory: no Azure Storage configured and Azurite could not be started (run 'npm ci' in the repository)", null)
                    : new StorageMode(EmbeddedAzurite.ConnectionString, $"Azurite: {azurite.How}", azurite);
            default:
                throw new InvalidOperationException($"Charge:Storage:Provider '{o.Provider}' is not one of Auto, AzureBlob, Memory");
        }
    }

    public static void LogStorageMode(IServiceProvider services, ILogger logger)
    {
        var mode = services.GetRequiredService<StorageMode>();
        if (mode.ConnectionString is null)
        {
            LogMemoryStorage(logger, mode.Description);
        }
        else if (mode.Azurite is { Foreign: true })
        {
            LogForeignAzurite(logger, mode.Description);
        }
        else
        {
            LogDurableStorage(logger, mode.Description);
        }
    }

    private sealed class AzuriteLifetime(EmbeddedAzurite azurite) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.Run(azurite.Dispose, CancellationToken.None);
    }

    /// <summary>Storage is reachable when the account's blob service answers for its properties (as the silo's credential).</summary>
    private sealed class BlobStorageProbe(BlobServiceClient service) : Charge.Grains.Health.IStorageProbe
    {
        public async Task<string?> Check(CancellationToken cancellation)
        {
            try
            {
                await service.GetPropertiesAsync(cancellation);
                return null;
            }
            catch (Azure.RequestFailedException e)
            {
                return $"storage answered {e.Status} {e.ErrorCode}";
            }
        }
    }

    /// <summary>Creates a table or container the silo writes to, before grains run.</summary>
    private sealed class ArchiveInitializer(Func<CancellationToken, Task> init) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(ArchiveInitializer), ServiceLifecycleStage.ApplicationServices, init);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Grain state is kept IN MEMORY: every session, charger and tariff is lost when this silo stops. Storage: {Description}")]
    private static partial void LogMemoryStorage(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain state is durable, in a foreign emulator. Storage: {Description}")]
    private static partial void LogForeignAzurite(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain state is durable. Storage: {Description}")]
    private static partial void LogDurableStorage(ILogger logger, string description);
}
