using Azure.Storage.Blobs;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;
using Charge.Grains.Storage;
using Charge.Silo;
using Charge.Silo.Storage;
using Charge.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace Charge.Grains.Tests.Storage;

public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await Charge.Tests.Azurite.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>
/// The official Orleans Azure blob provider as the silo configures it (<c>AddChargeAzureStorage</c>), against a real
/// Azurite: optimistic concurrency on ETags, readable JSON through the provider's serializer option, Orleans binary
/// as the alternative.
/// </summary>
public sealed class AzureGrainStorageTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _container = $"test-{Guid.NewGuid():N}";
    private readonly List<IHost> _hosts = [];
    private IGrainStorage _storage = null!;

    public async Task InitializeAsync() => _storage = await Storage("Json");

    /// <summary>A silo composed as the real one with Azure storage, whose grain storage the tests call directly.</summary>
    private async Task<IGrainStorage> Storage(string serializer)
    {
        var ports = DevService.FreePorts(2);
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports[0], ports[1], serviceId: "storage-test", clusterId: $"storage-{Guid.NewGuid():N}");
            silo.AddChargeAzureStorage(fixture.Azurite.ConnectionString, new ChargeStorageOptions { Container = _container, Serializer = serializer, ArchiveTable = $"t{Guid.NewGuid():N}" });
        });
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Charge);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(_container).DeleteIfExistsAsync();
    }

    private static GrainId Grain(string key) => GrainId.Create("session", key);

    private static GrainState<SessionState> State(string charger = "CP-1") =>
        new(new SessionState { Status = SessionStatus.Active, ChargerId = charger, MeterStartWh = 1234.5m, Points = [new MeterReading(DateTime.UtcNow, 1234.5m, 7000)] });

    [Fact]
    public async Task A_written_state_reads_back_with_its_etag()
    {
        var written = State();
        await _storage.WriteStateAsync("session", Grain("s-1"), written);

        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("s-1"), read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("CP-1", read.State!.ChargerId);
        Assert.Equal(1234.5m, read.State!.MeterStartWh);
        Assert.Equal(7000, Assert.Single(read.State!.Points).PowerW);
    }

    [Fact]
    public async Task Reading_a_grain_never_written_finds_no_record()
    {
        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("never"), read);

        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_second_create_of_the_same_grain_is_inconsistent()
    {
        await _storage.WriteStateAsync("session", Grain("s-2"), State());

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("session", Grain("s-2"), State("CP-2")));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_inconsistent_and_does_not_overwrite()
    {
        var first = State();
        await _storage.WriteStateAsync("session", Grain("s-3"), first);
        var stale = new GrainState<SessionState>(State("CP-STALE").State) { ETag = first.ETag, RecordExists = true };
        first.State!.ChargerId = "CP-NEWER";
        await _storage.WriteStateAsync("session", Grain("s-3"), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("session", Grain("s-3"), stale));

        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("s-3"), read);
        Assert.Equal("CP-NEWER", read.State!.ChargerId);
    }

    [Fact]
    public async Task State_is_stored_as_readable_json_one_blob_per_grain()
    {
        await _storage.WriteStateAsync("session", Grain("s-5"), State());

        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(_container);
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            names.Add(item.Name);
        }

        var blob = container.GetBlobClient(Assert.Single(names, n => n.Contains("s-5")));
        var json = (await blob.DownloadContentAsync()).Value.Content.ToString();

        Assert.Contains("\"Status\":\"Active\"", json);
        Assert.Contains("\"ChargerId\":\"CP-1\"", json);
    }

    [Fact]
    public async Task The_serializer_is_a_setting_and_orleans_binary_round_trips()
    {
        var binary = await Storage("Orleans");
        await binary.WriteStateAsync("session", Grain("s-bin"), State("CP-BIN"));

        var read = new GrainState<SessionState>(new SessionState());
        await binary.ReadStateAsync("session", Grain("s-bin"), read);

        Assert.Equal("CP-BIN", read.State!.ChargerId);
        Assert.Equal(1234.5m, read.State!.MeterStartWh);
    }

    [Fact]
    public async Task The_session_archive_is_queryable_by_date_range_charger_and_id_tag()
    {
        var archive = new TableSessionArchive(new Azure.Data.Tables.TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient($"t{Guid.NewGuid():N}"));
        await archive.InitAsync();
        ArchivedSession Session(string id, string charger, string tag, int day) => new()
        {
            SessionId = id, ChargerId = charger, IdTag = tag, TimeZone = "Europe/Amsterdam",
            LocalDate = new DateOnly(2026, 11, day), StartedAt = new DateTime(2026, 11, day, 8, 0, 0, DateTimeKind.Utc),
            StoppedAt = new DateTime(2026, 11, day, 9, 0, 0, DateTimeKind.Utc), EnergyWh = 12_345.5m, TotalExclVat = 3.09m, TotalInclVat = 3.74m,
            Currency = "EUR", TariffId = "t", TariffVersion = 2,
        };
        await archive.ArchiveAsync(Session("a", "CP-1", "T1", 20));
        await archive.ArchiveAsync(Session("b", "CP-2", "T1", 21));
        await archive.ArchiveAsync(Session("c", "CP-1", "T2", 22));
        await archive.ArchiveAsync(Session("c", "CP-1", "T2", 22));

        var range = await archive.QueryAsync(new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 22));
        var byCharger = await archive.QueryAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), chargerId: "CP-1");
        var byTag = await archive.QueryAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), idTag: "T1");

        Assert.Equal(["b", "c"], range.Select(s => s.SessionId).Order());
        Assert.Equal(["a", "c"], byCharger.Select(s => s.SessionId).Order());
        Assert.Equal(["a", "b"], byTag.Select(s => s.SessionId).Order());
        Assert.Equal(12_345.5m, range[0].EnergyWh);
        Assert.Equal(3.74m, range[0].TotalInclVat);
    }
}
