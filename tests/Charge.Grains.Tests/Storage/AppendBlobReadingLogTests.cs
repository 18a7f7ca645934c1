using System.Collections.Immutable;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Charge.Grains.Interfaces;
using Charge.Silo.Storage;

namespace Charge.Grains.Tests.Storage;

/// <summary>The reading log on Azurite: appends answer positions, and a billed session's log compacts to one block blob that reads the same.</summary>
public sealed class AppendBlobReadingLogTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _container = $"log-{Guid.NewGuid():N}";
    private BlobContainerClient _blobs = null!;
    private AppendBlobReadingLog _log = null!;

    public async Task InitializeAsync()
    {
        _blobs = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(_container);
        _log = new AppendBlobReadingLog(_blobs);
        await _log.InitAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _blobs.DeleteIfExistsAsync();

    private static MeterBatch Batch(string sessionId, int n) => new(sessionId, "CP-LOG", 1_000 + n,
        [new MeterReading(new DateTime(2026, 12, 4, 8, 0, n, DateTimeKind.Utc), 1_000.5m + n, PowerW: 7_400 + n)]);

    private async Task<BlobProperties> Properties(string sessionId) =>
        (await _blobs.GetBlobClient($"{Uri.EscapeDataString(sessionId)}/0000").GetPropertiesAsync()).Value;

    private static string Text(ImmutableArray<MeterBatch> batches) => string.Join("; ", batches.Select(b =>
        $"{b.LogPosition}:{b.Sequence}:{b.ChargerId}:{string.Join(",", b.Readings.Select(r => $"{r.Timestamp:O}/{r.EnergyWh}/{r.PowerW}"))}"));

    [Fact]
    public async Task A_compacted_log_is_one_block_blob_with_the_same_batches_at_the_same_positions()
    {
        var sessionId = $"CP-LOG~{Guid.NewGuid():N}"[..20];
        var positions = new List<long>();
        for (var n = 1; n <= 5; n++)
        {
            positions.Add(await _log.AppendAsync(sessionId, Batch(sessionId, n)));
        }

        var before = await _log.ReadAsync(sessionId, 0);
        Assert.Equal([1L, 2, 3, 4, 5], positions);
        Assert.Equal(BlobType.Append, (await Properties(sessionId)).BlobType);

        await _log.CompactAsync(sessionId);

        Assert.Equal(BlobType.Block, (await Properties(sessionId)).BlobType);
        Assert.Equal(Text(before), Text(await _log.ReadAsync(sessionId, 0)));
        Assert.Equal([3L, 4, 5], (await _log.ReadAsync(sessionId, 2)).Select(b => b.LogPosition));
        Assert.Equal(1_003.5m, (await _log.ReadAsync(sessionId, 2))[0].Readings[0].EnergyWh);
    }

    [Fact]
    public async Task Compacting_again_rewrites_nothing_and_a_session_without_a_log_is_left_alone()
    {
        var sessionId = $"CP-LOG~{Guid.NewGuid():N}"[..20];
        await _log.AppendAsync(sessionId, Batch(sessionId, 1));
        await _log.CompactAsync(sessionId);
        var compacted = await Properties(sessionId);

        await _log.CompactAsync(sessionId);
        await _log.CompactAsync($"CP-NONE~{Guid.NewGuid():N}"[..20]);

        Assert.Equal(compacted.ETag, (await Properties(sessionId)).ETag);
        Assert.Single(await _log.ReadAsync(sessionId, 0));
    }
}
