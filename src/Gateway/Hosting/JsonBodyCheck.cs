using System.Text.Json;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Charge.Gateway.Hosting;

/// <summary>
/// Reads a REST call's JSON body before gRPC JSON transcoding does, so that a refusal names what was wrong: a
/// syntax error by line and position, a key given twice by name (ambiguous: which value counts?), an unknown field
/// or a value of the wrong type by its field path. The transcoder's own message for all of these is one sentence
/// that names nothing.
/// </summary>
public static class JsonBodyCheck
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    public static WebApplication UseChargeJsonBodyCheck(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
            var request = context.Request;
            if (metadata is not null && Query(request, metadata) is { } queryProblem)
            {
                await Refuse(context, queryProblem);
                return;
            }

            if (metadata is null || request.ContentLength == 0
                || !HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method))
            {
                await next();
                return;
            }

            // Only application/json is read as the request (the transcoder also takes "+json" types, which this check
            // would not see): another media type is refused, whatever it calls itself.
            if (!IsJson(request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    code = 3,
                    message = $"the request body must be application/json, not '{Cut(request.ContentType ?? "none", 60)}'",
                }));
                return;
            }

            request.EnableBuffering();
            string? problem;
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, Options, context.RequestAborted);
                problem = metadata.HttpRule.Body == "*"
                    ? Check(document.RootElement, metadata.MethodDescriptor.InputType, "") ?? AgainstPath(document.RootElement, metadata.MethodDescriptor.InputType, request.RouteValues)
                    : null;
            }
            catch (JsonException e)
            {
                problem = Describe(e);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // A chunked body (no Content-Length to refuse it by) that grows past the limit: 413 with a body like every refusal.
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { code = 413, message = $"request bodies are limited to {GatewayHostingExtensions.MaxRequestBytes / 1024} KiB" }));
                return;
            }

            if (problem is not null)
            {
                await Refuse(context, problem);
                return;
            }

            request.Body.Position = 0;
            await next();
        });
        return app;
    }

    private static async Task Refuse(HttpContext context, string problem)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        // The gRPC status code InvalidArgument, as the API's other refusals carry it.
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { code = 3, message = problem }));
    }

    /// <summary>
    /// Query parameters name fields of the request message (JSON or proto name, dotted for nested ones): an unknown one
    /// (a typo such as sideId) is refused rather than ignored, and a value of the wrong type is refused by name.
    /// </summary>
    private static string? Query(HttpRequest request, GrpcJsonTranscodingMetadata metadata)
    {
        foreach (var (key, values) in request.Query)
        {
            var message = metadata.MethodDescriptor.InputType;
            FieldDescriptor? field = null;
            foreach (var part in key.Split('.'))
            {
                field = message?.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
                message = field?.FieldType == FieldType.Message ? field.MessageType : null;
            }

            if (field is null)
            {
                return $"unknown query parameter '{key}'";
            }

            foreach (var value in values)
            {
                var json = field.FieldType == FieldType.Bool && value is "true" or "false" ? value : JsonSerializer.Serialize(value);
                using var document = JsonDocument.Parse(json);
                var problem = field.FieldType == FieldType.Message
                    ? Message(document.RootElement, field.MessageType, key)
                    : Value(document.RootElement, field, key);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    private static string Describe(JsonException e) =>
        e.Message.StartsWith("Duplicate property", StringComparison.Ordinal)
            ? $"the JSON body has a key twice in one object: {e.Message[..e.Message.IndexOf(" encountered", StringComparison.Ordinal)].Replace("Duplicate property ", "")}; each key may appear once"
            : $"the JSON body is malformed at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {Cut(e.Message)}";

    private static string Cut(string message) =>
        message.IndexOf(" LineNumber", StringComparison.Ordinal) is > 0 and var at ? message[..at] : message;

    private static string Cut(string text, int max) => text.Length > max ? text[..max] + "…" : text;

    /// <summary>application/json, with parameters (charset) or without; nothing else.</summary>
    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A field given both in the path and in the body must say the same: a StartSession body naming another charger,
    /// or a billing period other than the path's, is ambiguous and refused rather than silently overruled.
    /// </summary>
    private static string? AgainstPath(JsonElement body, MessageDescriptor message, RouteValueDictionary route)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in body.EnumerateObject())
        {
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is null || !route.TryGetValue(field.Name, out var fromPath) || fromPath is not string pathValue)
            {
                continue;
            }

            var bodyValue = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            if (property.Value.ValueKind != JsonValueKind.Null && bodyValue != pathValue)
            {
                return $"{field.Name} is '{Cut(bodyValue ?? "", 40)}' in the body but '{Cut(pathValue, 40)}' in the path: give it once, or the same in both";
            }
        }

        return null;
    }

    /// <summary>What is wrong with a JSON value as the proto3 JSON mapping of a message, or null.</summary>
    private static string? Check(JsonElement element, MessageDescriptor message, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return $"{Name(path, "body")} must be a JSON object";
        }

        // One field has two spellings (meterStartWh, meter_start_wh): both in one object are a key given twice.
        var spelled = new Dictionary<int, string>();
        foreach (var property in element.EnumerateObject())
        {
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (field is null)
            {
                return $"unknown field '{at}'";
            }

            if (!spelled.TryAdd(field.FieldNumber, property.Name))
            {
                return $"the field {(path.Length == 0 ? field.Name : $"{path}.{field.Name}")} is given twice, as '{spelled[field.FieldNumber]}' and '{property.Name}'; each field may appear once";
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var problem = field.IsMap
                ? property.Value.ValueKind == JsonValueKind.Object ? null : $"{at} must be a JSON object"
                : field.IsRepeated
                    ? Repeated(property.Value, field, at)
                    : Value(property.Value, field, at);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Repeated(JsonElement value, FieldDescriptor field, string at)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"{at} must be a JSON array";
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (Value(item, field, $"{at}[{i++}]") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Value(JsonElement value, FieldDescriptor field, string at) => field.FieldType switch
    {
        FieldType.String or FieldType.Bytes => value.ValueKind == JsonValueKind.String ? null : $"{at} must be a string",
        FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{at} must be true or false",
        FieldType.Double or FieldType.Float => value.ValueKind == JsonValueKind.Number
            || value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _)
            ? null
            : $"{at} must be a number",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Integer(value, at, int.MinValue, int.MaxValue),
        FieldType.UInt32 or FieldType.Fixed32 => Integer(value, at, 0, uint.MaxValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integer(value, at, long.MinValue, long.MaxValue),
        FieldType.UInt64 or FieldType.Fixed64 => Integer(value, at, 0, ulong.MaxValue),
        FieldType.Enum => value.ValueKind == JsonValueKind.String && field.EnumType.FindValueByName(value.GetString()!) is not null
            || value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && field.EnumType.FindValueByNumber(n) is not null
            ? null
            : $"{at} must be one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Message => Message(value, field.MessageType, at),
        _ => null,
    };

    private static string? Message(JsonElement value, MessageDescriptor type, string at) => type.FullName switch
    {
        "google.protobuf.Timestamp" => value.ValueKind == JsonValueKind.String && Timestamp(value.GetString()!)
            ? null
            : $"{at} must be an RFC 3339 date-time in a string, e.g. \"2026-03-10T08:00:00Z\"",
        "google.protobuf.Duration" => value.ValueKind == JsonValueKind.String ? null : $"{at} must be a duration string, e.g. \"3600s\"",
        "google.protobuf.Struct" or "google.protobuf.Value" or "google.protobuf.ListValue" or "google.protobuf.Any" => null,
        _ when type.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal) && type.FullName.EndsWith("Value", StringComparison.Ordinal)
            => Value(value, type.FindFieldByName("value"), at),
        _ => Check(value, type, at),
    };

    private static bool Timestamp(string text)
    {
        try
        {
            Google.Protobuf.JsonParser.Default.Parse<Google.Protobuf.WellKnownTypes.Timestamp>(JsonSerializer.Serialize(text));
            return true;
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? Integer(JsonElement value, string at, decimal min, decimal max)
    {
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out var d) && decimal.Truncate(d) == d && d >= min && d <= max,
            JsonValueKind.String => decimal.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= min && s <= max,
            _ => false,
        };
        return ok ? null : $"{at} must be an integer between {min} and {max}";
    }

    private static string Name(string path, string whole) => path.Length == 0 ? whole : path;
}
