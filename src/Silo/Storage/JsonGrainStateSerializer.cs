using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Charge.Silo.Storage;

/// <summary>Grain state as System.Text.Json: readable in a blob browser, enums by name.</summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public static readonly JsonSerializerOptions DefaultOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.Strict,
    };

    private readonly JsonSerializerOptions _options;

    public JsonGrainStateSerializer(JsonSerializerOptions? options = null) => _options = options ?? DefaultOptions;

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)
        ?? throw new JsonException($"stored state for {typeof(T).Name} is null");
}
