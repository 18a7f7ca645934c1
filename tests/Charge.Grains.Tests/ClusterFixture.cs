using Charge.Grains;
using Charge.Grains.Interfaces;
using Charge.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Charge.Grains.Tests;

/// <summary>Two silos, composed like the real one, shared by every grain flow test.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(2)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>A charger's record as storage holds it (not as its activation remembers it).</summary>
    public async Task<Charge.Grains.Chargers.ChargerState> StoredCharger(string chargerId)
    {
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Charge);
        var state = new GrainState<Charge.Grains.Chargers.ChargerState>(new Charge.Grains.Chargers.ChargerState());
        await storage.ReadStateAsync("charger", Grains.GetGrain<IChargerGrain>(chargerId).GetGrainId(), state);
        return state.State!;
    }

    public Task InitializeAsync() => Cluster.DeployAsync();

    /// <summary>What storage holds for a grain's state, read past the grain (which may hold more in memory).</summary>
    public async Task<T> Stored<T>(string stateName, GrainId grain)
        where T : new()
    {
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services
            .GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Charge);
        var stored = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grain, stored);
        return stored.State!;
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        // The silos of this in-process cluster share one archive and one invoice register, as silos share the
        // storage account's tables: a session archived on one silo is exported from the other.
        private static readonly Charge.Grains.Storage.MemorySessionArchive Archive = new();
        private static readonly Charge.Grains.Storage.MemoryInvoiceRegister Invoices = new();

        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton<Charge.Grains.Storage.ISessionArchive>(Archive);
            siloBuilder.Services.AddSingleton<Charge.Grains.Storage.IInvoiceRegister>(Invoices);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    // Short enough that a lost batch cannot stall a test, long enough to never fire when batches flow.
                    ["Charge:Sessions:StopGracePeriod"] = "00:00:05",
                    // Short enough to see the reminder-driven sweep close a session in a test, long enough that no
                    // other test's session (each lasts well under a second between calls) is ever idle that long.
                    ["Charge:Sessions:AbandonedAfter"] = "00:00:06",
                    ["Charge:Sessions:AbandonedSweepPeriod"] = "00:00:01",
                    ["Charge:Sessions:FollowUpReminderPeriod"] = "00:00:02",
                    // A finished session read again goes from memory soon (seen by the test of it).
                    ["Charge:Sessions:FinishedLinger"] = "00:00:01",
                    // Sessions in these tests use made-up tags; the registry's own tests register theirs.
                    ["Charge:Authorization:UnknownTags"] = "Accept",
                    // Load balancer tests share limits among made-up sessions: the balancer's own check (which would
                    // drop them: no charger runs them) is called by the tests about it.
                    ["Charge:Fleet:LoadCheckAfterActivation"] = "1.00:00:00",
                    ["Charge:Fleet:LimitConfirmedWithin"] = "00:00:10",
                    // The energy cases and history tests replay sessions of fixed past dates.
                    ["Charge:Sessions:MaxStartAge"] = "3650.00:00:00",
                    ["Charge:Sessions:MaxSessionLength"] = "3650.00:00:00",
                    // A slot of a start that never became a session frees itself soon (seen by the test of it).
                    ["Charge:Authorization:SlotStartGrace"] = "00:00:02",
                })
                .Build();
            siloBuilder.Services.AddChargeGrains(configuration);
            siloBuilder.AddChargeProviders();
            Charge.Silo.Storage.MeasuredGrainStorage.Wrap(siloBuilder.Services, StorageNames.Charge, inner => new FaultInjectedStorage(inner));
            siloBuilder.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
