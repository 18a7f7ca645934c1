using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Silo;
using Charge.Tests;
using Microsoft.Extensions.Configuration;
using Orleans.Core.Internal;
using Orleans.TestingHost;

namespace Charge.Grains.Tests;

/// <summary>
/// Write-behind acknowledgement (<c>Acknowledge=WriteBehind</c>): a session writes its readings at most once per
/// interval, and a graceful deactivation writes what is still unwritten.
/// </summary>
public sealed class WriteBehindTests : IAsyncLifetime
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-1);

    private readonly TestCluster _cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<Configurator>().Build();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Readings_held_by_the_write_behind_are_written_when_the_session_deactivates()
    {
        var chargerId = $"cp-{Guid.NewGuid():N}"[..20];
        var sessionId = SessionIds.Of(chargerId, "s1");
        var charger = _cluster.GrainFactory.GetGrain<IChargerGrain>(chargerId);
        var session = _cluster.GrainFactory.GetGrain<ISessionGrain>(sessionId);
        await charger.StartSession(new StartSessionCommand(sessionId, chargerId, 1, "TAG", 0m, T0));
        for (var i = 1; i <= 5; i++)
        {
            await charger.ReportMeterValues(sessionId, [new MeterReading(T0.AddMinutes(i), i * 100m)]);
        }

        var live = await Eventually.Get(() => session.GetView(), v => v.ReadingCount == 5);
        await session.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        // The next call waits for the deactivation and activates the session again from storage: what it shows is
        // what was written (without the flush on deactivation it would show the first reading only).
        var reloaded = await session.GetView();

        Assert.Equal(5, live.ReadingCount);
        Assert.Equal(5, reloaded.ReadingCount);
        Assert.Equal(500m, reloaded.EnergyWh);
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Charge:Sessions:Acknowledge"] = "WriteBehind",
                    ["Charge:Authorization:UnknownTags"] = "Accept",
                    // Longer than the test: after the first write, only the deactivation writes.
                    ["Charge:Sessions:ReadingWriteInterval"] = "00:05:00",
                })
                .Build();
            siloBuilder.Services.AddChargeGrains(configuration);
            siloBuilder.AddChargeProviders();
        }
    }
}
