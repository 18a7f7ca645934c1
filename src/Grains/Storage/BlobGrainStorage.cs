using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Charge.Grains.Storage;

/// <summary>
/// Grain storage in Azure Blob Storage with the semantics of Orleans' official Azure blob provider: one blob per
/// grain and state, optimistic concurrency on ETags (create with If-None-Match: *, update and delete with
/// If-Match), and a stale write raising <see cref="InconsistentStateException"/> so the grain is deactivated and
/// reloads instead of overwriting what another activation stored.
/// </summary>
public sealed partial class BlobGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly BlobContainerClient _container;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;

    public BlobGrainStorage(string name, BlobContainerClient container, IGrainStorageSerializer serializer, ILogger<BlobGrainStorage> logger)
    {
        _name = name;
        _container = container;
        _serializer = serializer;
        _logger = logger;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(BlobGrainStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices, InitAsync);

    /// <summary>Creates the container if it is missing; silos call it at start.</summary>
    public async Task InitAsync(CancellationToken cancellation = default)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellation);
        LogReady(_name, _container.Uri);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blob = _container.GetBlobClient(BlobName(stateName, grainId));
        try
        {
            var response = await blob.DownloadContentAsync();
            grainState.State = _serializer.Deserialize<T>(response.Value.Content);
            grainState.ETag = response.Value.Details.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blob = _container.GetBlobClient(BlobName(stateName, grainId));
        var conditions = grainState.ETag is null
            ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : new BlobRequestConditions { IfMatch = new ETag(grainState.ETag) };
        try
        {
            var response = await blob.UploadAsync(_serializer.Serialize(grainState.State), new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            });
            grainState.ETag = response.Value.ETag.ToString();
            grainState.RecordExists = true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw Inconsistent("write", stateName, grainId, grainState.ETag, e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blob = _container.GetBlobClient(BlobName(stateName, grainId));
        try
        {
            var conditions = grainState.ETag is null ? null : new BlobRequestConditions { IfMatch = new ETag(grainState.ETag) };
            await blob.DeleteIfExistsAsync(conditions: conditions);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw Inconsistent("clear", stateName, grainId, grainState.ETag, e);
        }
    }

    /// <summary>"{state}/{grain type}/{key}.json"; the key is escaped so any grain key makes a valid blob name.</summary>
    public static string BlobName(string stateName, GrainId grainId) =>
        $"{stateName}/{grainId.Type}/{Uri.EscapeDataString(grainId.Key.ToString()!)}.json";

    private InconsistentStateException Inconsistent(string operation, string stateName, GrainId grainId, string? etag, RequestFailedException e)
    {
        LogConflict(operation, grainId, stateName, etag);
        return new InconsistentStateException(
            $"{operation} of {stateName} for {grainId} lost an optimistic concurrency race (ETag {etag ?? "none: create"})",
            "unknown", etag ?? "", e);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Name} uses blob container {Container}")]
    private partial void LogReady(string name, Uri container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage {Operation} for {GrainId} ({State}) refused: ETag {ETag} is stale")]
    private partial void LogConflict(string operation, GrainId grainId, string state, string? etag);
}
