using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;

namespace Charge.Silo.Storage;

/// <summary>
/// Each session's reading log as append blobs: one append (one block, one JSON line) per batch, durable when the
/// call returns, at a cost that does not grow with the session. The committed block count an append answers with
/// is the batch's position. An append blob holds 50,000 blocks; a session that needs more continues in the next
/// segment (<c>{session}/0001</c>, …), so a position is segment × 50,000 + block.
/// </summary>
public sealed class AppendBlobReadingLog(BlobContainerClient container) : IReadingLog
{
    public const int BlocksPerSegment = 50_000;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public async Task InitAsync(CancellationToken cancellation) => await container.CreateIfNotExistsAsync(cancellationToken: cancellation);

    private static string Name(string sessionId, int segment) => $"{Uri.EscapeDataString(sessionId)}/{segment:0000}";

    private AppendBlobClient Segment(string sessionId, int segment) => container.GetAppendBlobClient(Name(sessionId, segment));

    // The segment a session past its first 50,000 appends writes to, so an append does not try the full ones first.
    // Only such sessions have an entry; it goes when the session completes.
    private readonly ConcurrentDictionary<string, int> _segments = new();

    public async Task<long> AppendAsync(string sessionId, MeterBatch batch)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Line.Of(batch), Json) + "\n");
        var segment = _segments.GetValueOrDefault(sessionId);
        while (true)
        {
            var blob = Segment(sessionId, segment);
            try
            {
                using var content = new MemoryStream(line);
                var appended = await blob.AppendBlockAsync(content);
                if (segment > 0)
                {
                    _segments[sessionId] = segment;
                }

                return (long)segment * BlocksPerSegment + appended.Value.BlobCommittedBlockCount;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                // The session's first batch in this segment.
                await blob.CreateIfNotExistsAsync();
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlockCountExceedsLimit)
            {
                segment++;
            }
        }
    }

    public async Task<ImmutableArray<MeterBatch>> ReadAsync(string sessionId, long after)
    {
        var batches = ImmutableArray.CreateBuilder<MeterBatch>();
        for (var segment = (int)(Math.Max(after, 0) / BlocksPerSegment); ; segment++)
        {
            BlobDownloadResult content;
            try
            {
                content = (await Segment(sessionId, segment).DownloadContentAsync()).Value;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                return batches.ToImmutable();
            }

            var position = (long)segment * BlocksPerSegment;
            foreach (var text in content.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                position++;
                if (position > after)
                {
                    batches.Add(JsonSerializer.Deserialize<Line>(text, Json)!.ToBatch(sessionId, position));
                }
            }

            if (position - (long)segment * BlocksPerSegment < BlocksPerSegment)
            {
                return batches.ToImmutable();
            }
        }
    }

    /// <summary>The blobs are kept (the raw batches as the charger sent them are the evidence behind a billed session); only the segment note goes.</summary>
    public Task CompletedAsync(string sessionId)
    {
        _segments.TryRemove(sessionId, out _);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Rewrites each segment of a billed session's log as one block blob of the same lines, at the same name, if it is
    /// unchanged since it was read. Azurite keeps every block of an append blob in its metadata index (about 300 B a
    /// block: a 30-minute session read every 10 s adds 54 KB) and rewrites that whole index every 5 s on its only
    /// thread; a block blob is one entry. At a thousand charge points the index grows by megabytes a minute, and every
    /// request waits out its rewrite (docs/benchmarks.md).
    /// </summary>
    public async Task CompactAsync(string sessionId)
    {
        for (var segment = 0; ; segment++)
        {
            var blob = container.GetBlobClient(Name(sessionId, segment));
            BlobDownloadResult content;
            try
            {
                content = (await blob.DownloadContentAsync()).Value;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                return;
            }

            if (content.Details.BlobType == BlobType.Append)
            {
                await blob.UploadAsync(content.Content, new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfMatch = content.Details.ETag },
                });
            }

            if (content.Content.ToMemory().Span.Count((byte)'\n') < BlocksPerSegment)
            {
                return;
            }
        }
    }

    /// <summary>One batch as a log line: short names, registers as exact decimals.</summary>
    private sealed record Line(string C, long S, Reading[] R)
    {
        public static Line Of(MeterBatch b) => new(b.ChargerId, b.Sequence,
            [.. b.Readings.Select(r => new Reading(r.Timestamp, r.EnergyWh, r.PowerW, r.CurrentA, r.SocPercent))]);

        public MeterBatch ToBatch(string sessionId, long position) => new(sessionId, C, S,
            [.. R.Select(r => new MeterReading(DateTime.SpecifyKind(r.T, DateTimeKind.Utc), r.E, r.P, r.A, r.Soc))], position);
    }

    private sealed record Reading(DateTime T, decimal E, double? P, double? A, double? Soc);
}
