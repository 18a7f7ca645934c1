using Azure.Core;
using Azure.Core.Pipeline;
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

    /// <summary>The grains the JSON silo is creating.</summary>
    private NewGrains _newGrains = null!;

    public async Task InitializeAsync()
    {
        _storage = await Storage("Json");
        _newGrains = _hosts[0].Services.GetRequiredService<NewGrains>();
    }

    /// <summary>A silo composed as the real one with Azure storage, whose grain storage the tests call directly.</summary>
    /// <summary>Loses the answer to the next write of a blob whose name has the marker, after the store has taken it.</summary>
    private readonly LoseAnAnswer _lose = new("lost-answer");

    private async Task<IGrainStorage> Storage(string serializer)
    {
        var ports = DevService.FreePorts(2);
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(ports[0], ports[1], serviceId: "storage-test", clusterId: $"storage-{Guid.NewGuid():N}");
            silo.AddChargeAzureStorage(fixture.Azurite.ConnectionString, new ChargeStorageOptions { Container = _container, Serializer = serializer, ArchiveTable = $"t{Guid.NewGuid():N}" },
                clients => clients.AddPolicy(_lose, HttpPipelinePosition.PerRetry));
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
    public async Task A_first_write_whose_answer_was_lost_and_retried_is_stored_and_succeeds()
    {
        var written = State();
        _lose.Arm();

        // The store takes the create, its answer is lost, the client tries again and If-None-Match fails.
        await _storage.WriteStateAsync("session", Grain("lost-answer-1"), written);

        Assert.Equal(1, _lose.Lost);
        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("lost-answer-1"), read);
        Assert.True(read.RecordExists);
        Assert.Equal(read.ETag, written.ETag);
        Assert.Equal("CP-1", read.State!.ChargerId);
        // The ETag it took is the stored one: the grain's next write goes through.
        written.State!.ChargerId = "CP-NEXT";
        await _storage.WriteStateAsync("session", Grain("lost-answer-1"), written);
        await _storage.ReadStateAsync("session", Grain("lost-answer-1"), read);
        Assert.Equal("CP-NEXT", read.State!.ChargerId);
    }

    [Fact]
    public async Task An_update_whose_answer_was_lost_and_retried_is_stored_and_succeeds()
    {
        var written = State();
        await _storage.WriteStateAsync("session", Grain("lost-answer-2"), written);
        written.State!.MeterStartWh = 2000m;
        _lose.Arm();

        // The update lands, its answer is lost, and the retry's If-Match names the ETag the update replaced.
        await _storage.WriteStateAsync("session", Grain("lost-answer-2"), written);

        Assert.Equal(1, _lose.Lost);
        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("lost-answer-2"), read);
        Assert.Equal(2000m, read.State!.MeterStartWh);
        Assert.Equal(read.ETag, written.ETag);
    }

    [Fact]
    public async Task A_lost_answer_is_told_apart_with_the_orleans_binary_format_too()
    {
        var binary = await Storage("Orleans");
        var written = State("CP-BIN");
        await binary.WriteStateAsync("session", Grain("lost-answer-bin"), written);
        written.State!.Points = [.. written.State.Points, new MeterReading(DateTime.UtcNow, 1500m, 7100)];
        _lose.Arm();

        await binary.WriteStateAsync("session", Grain("lost-answer-bin"), written);

        Assert.Equal(1, _lose.Lost);
        var read = new GrainState<SessionState>(new SessionState());
        await binary.ReadStateAsync("session", Grain("lost-answer-bin"), read);
        Assert.Equal(2, read.State!.Points.Count);
        Assert.Equal(read.ETag, written.ETag);
    }

    [Fact]
    public async Task A_grain_being_created_is_not_read_from_storage_and_its_first_write_is_stored()
    {
        var read = new GrainState<SessionState>(new SessionState { ChargerId = "as created" });
        var gets = _lose.Gets;
        using (_newGrains.Creating(Grain("new-1")))
        {
            await _storage.ReadStateAsync("session", Grain("new-1"), read);
            Assert.Equal(gets, _lose.Gets);
            Assert.False(read.RecordExists);
            Assert.Null(read.ETag);
            Assert.Equal("as created", read.State!.ChargerId);

            read.State = State().State;
            await _storage.WriteStateAsync("session", Grain("new-1"), read);
        }

        // Once created, a read goes to storage and finds the record.
        Assert.Equal(0, _newGrains.Count);
        var again = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("new-1"), again);
        Assert.True(_lose.Gets > gets);
        Assert.True(again.RecordExists);
        Assert.Equal(read.ETag, again.ETag);
    }

    [Fact]
    public async Task A_grain_wrongly_taken_for_new_cannot_overwrite_its_stored_record()
    {
        await _storage.WriteStateAsync("session", Grain("new-2"), State("CP-STORED"));
        var taken = new GrainState<SessionState>(new SessionState());

        using (_newGrains.Creating(Grain("new-2")))
        {
            await _storage.ReadStateAsync("session", Grain("new-2"), taken);
            taken.State = State("CP-OTHER").State;

            // No ETag: the write is If-None-Match and finds the record.
            await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("session", Grain("new-2"), taken));
        }

        var read = new GrainState<SessionState>(new SessionState());
        await _storage.ReadStateAsync("session", Grain("new-2"), read);
        Assert.Equal("CP-STORED", read.State!.ChargerId);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_inconsistent_and_does_not_overwrite()
    {
        var first = State();
        await _storage.WriteStateAsync("session", Grain("s-3"), first);
        var stale = new GrainState<SessionState>(State("CP-STALE").State) { ETag = first.ETag, RecordExists = true };
        first.State!.ChargerId = "CP-NEWER";
        await _storage.WriteStateAsync("session", Grain("s-3"), first);

        // The silo reads the stored state on the conflict (LandedWriteCheck): another writer's state is a conflict still.
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

/// <summary>
/// A connection that drops the answer to one write after the store has taken it, as a timeout or a reset would: the
/// storage client sees an I/O failure and tries again. It also counts the reads that reach the store.
/// </summary>
internal sealed class LoseAnAnswer(string marker) : HttpPipelinePolicy
{
    private int _armed;
    private int _lost;

    public int Lost => Volatile.Read(ref _lost);

    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>How many GET requests reached the store.</summary>
    public int Gets => Volatile.Read(ref _gets);

    private int _gets;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method == RequestMethod.Get)
        {
            Interlocked.Increment(ref _gets);
        }

        await ProcessNextAsync(message, pipeline);
        if (message.Request.Method == RequestMethod.Put && message.Request.Uri.ToString().Contains(marker, StringComparison.Ordinal)
            && message.Response.Status is >= 200 and < 300 && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Interlocked.Increment(ref _lost);
            throw new IOException("the connection dropped before the answer arrived");
        }
    }
}
