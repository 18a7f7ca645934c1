using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Json.Schema;

namespace Charge.Gateway.Ocpp;

/// <summary>One refusal a schema gives: the CallError code and the message naming the field.</summary>
public sealed record OcppSchemaProblem(string Code, string Message, string Path);

/// <summary>
/// One OCPP version's JSON schemas (shipped in Ocpp/Schemas, the OCA's own files), built once and evaluated on the
/// frame's parsed payload (JsonSchema.Net runs on JsonElement: the message is not serialised again to be checked).
/// The first failing rule becomes the CallError its kind calls for, naming the field by its path.
/// </summary>
public sealed class OcppSchemas
{
    /// <summary>OCPP 1.6J: its schemas are draft-04, read as draft-06 (the keywords they use mean the same in both).</summary>
    public static readonly OcppSchemas Ocpp16 = new("ocpp16.", "OCPP 1.6", text => text.Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-06/schema#", StringComparison.Ordinal));

    /// <summary>OCPP 2.0.1: draft-06 as published, all 64 actions both ways.</summary>
    public static readonly OcppSchemas Ocpp201 = new("ocpp201.", "OCPP 2.0.1", text => text);

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly string _version;
    private readonly Lazy<FrozenDictionary<string, (JsonSchema Schema, JsonElement Raw)>> _requests;
    private readonly Lazy<FrozenDictionary<string, (JsonSchema Schema, JsonElement Raw)>> _responses;

    private OcppSchemas(string resourcePrefix, string version, Func<string, string> adapt)
    {
        _version = version;
        _requests = new(() => Load(resourcePrefix, "Request.json", adapt));
        _responses = new(() => Load(resourcePrefix, "Response.json", adapt));
    }

    public bool HasRequest(string action) => _requests.Value.ContainsKey(action);

    /// <summary>Whether the answer to a call we make is checked against a shipped schema.</summary>
    public bool HasResponse(string action) => _responses.Value.ContainsKey(action);

    /// <summary>Throws <see cref="OcppCallException"/> naming the first field of a charger's CALL that breaks its action's schema.</summary>
    public void Validate(string action, JsonElement payload)
    {
        if (Problems(_requests.Value[action], payload, action).FirstOrDefault() is { } problem)
        {
            throw new OcppCallException(problem.Code, problem.Message);
        }
    }

    /// <summary>Every field that breaks the action's schema, in the order the schema meets them (a stop drops bad samples one by one).</summary>
    public ImmutableArray<OcppSchemaProblem> ProblemsOf(string action, JsonElement payload) => [.. Problems(_requests.Value[action], payload, action)];

    /// <summary>What is wrong with a charger's CALLRESULT to one of our calls; null when nothing (or no schema).</summary>
    public string? ResponseProblem(string action, JsonElement? payload)
    {
        if (!_responses.Value.TryGetValue(action, out var schema))
        {
            return null;
        }

        if (payload is not { ValueKind: JsonValueKind.Object } answer)
        {
            return $"{action}.conf is not a JSON object";
        }

        return Problems(schema, answer, $"{action}.conf").FirstOrDefault()?.Message;
    }

    private IEnumerable<OcppSchemaProblem> Problems((JsonSchema Schema, JsonElement Raw) schema, JsonElement payload, string name)
    {
        var results = schema.Schema.Evaluate(payload, Evaluation);
        if (results.IsValid)
        {
            yield break;
        }

        foreach (var detail in results.Details ?? [results])
        {
            if (detail.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            var at = detail.InstanceLocation.ToString();
            var evaluated = detail.EvaluationPath.ToString();
            foreach (var (keyword, message) in errors)
            {
                var (code, path, text) = keyword switch
                {
                    "required" => (OcppErrorCode.OccurenceConstraintViolation, Join(at, Missing(schema.Raw, detail.SchemaLocation, payload, at) ?? "?"), "required field is missing"),
                    "" when evaluated.EndsWith("/additionalProperties", StringComparison.Ordinal)
                        => (OcppErrorCode.FormationViolation, at, $"field is not part of {_version}"),
                    "minItems" => (OcppErrorCode.OccurenceConstraintViolation, at, "array has too few items"),
                    "maxItems" => (OcppErrorCode.OccurenceConstraintViolation, at, "array has too many items"),
                    "type" => (OcppErrorCode.TypeConstraintViolation, at, Lower(message)),
                    "format" => (OcppErrorCode.TypeConstraintViolation, at, DateTimeProblem(Pointer(payload, at))),
                    "enum" => (OcppErrorCode.PropertyConstraintViolation, at, $"value is not one of the values {_version} allows"),
                    "maxLength" => (OcppErrorCode.PropertyConstraintViolation, at, $"value is longer than {_version} allows"),
                    _ => (OcppErrorCode.PropertyConstraintViolation, at, Lower(message)),
                };
                yield return new OcppSchemaProblem(code, $"{name}.{Dotted(path)}: {text}", path);
            }
        }
    }

    /// <summary>The first property the object at <paramref name="at"/> lacks of those its schema requires.</summary>
    private static string? Missing(JsonElement rawSchema, Uri schemaLocation, JsonElement payload, string at)
    {
        var schemaNode = Pointer(rawSchema, Uri.UnescapeDataString(schemaLocation.Fragment.TrimStart('#')));
        var instance = Pointer(payload, at);
        if (schemaNode is not { } s || !s.TryGetProperty("required", out var required) || instance is not { ValueKind: JsonValueKind.Object } o)
        {
            return null;
        }

        return required.EnumerateArray().Select(r => r.GetString()!).FirstOrDefault(name => !o.TryGetProperty(name, out _));
    }

    /// <summary>A JSON pointer (RFC 6901) into an element; null when it leads nowhere.</summary>
    private static JsonElement? Pointer(JsonElement root, string pointer)
    {
        var current = root;
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Replace("~1", "/").Replace("~0", "~")))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>What is wrong with a date-time, as the one reader of OCPP times says it (a missing zone is named).</summary>
    private static string DateTimeProblem(JsonElement? value)
    {
        if (value is { ValueKind: JsonValueKind.String } text)
        {
            try
            {
                Messages.OcppTime.Parse(text.GetString()!);
            }
            catch (FormatException e)
            {
                return e.Message;
            }
        }

        return "value is not an RFC 3339 date-time";
    }

    private static string Join(string at, string name) => $"{at}/{name}";

    /// <summary>"/meterValue/0/sampledValue/1/value" as "meterValue[0].sampledValue[1].value".</summary>
    public static string Dotted(string pointer)
    {
        var text = new System.Text.StringBuilder();
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(token, out var index))
            {
                text.Append('[').Append(index).Append(']');
            }
            else
            {
                text.Append(text.Length > 0 ? "." : "").Append(token.Replace("~1", "/").Replace("~0", "~"));
            }
        }

        return text.Length > 0 ? text.ToString() : "payload";
    }

    private static string Lower(string message) => message.Length > 0 ? char.ToLowerInvariant(message[0]) + message[1..] : message;

    private static FrozenDictionary<string, (JsonSchema, JsonElement)> Load(string prefix, string suffix, Func<string, string> adapt)
    {
        var assembly = typeof(OcppSchemas).Assembly;
        var schemas = new Dictionary<string, (JsonSchema, JsonElement)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var text = adapt(reader.ReadToEnd());
            schemas[name[prefix.Length..^suffix.Length]] = (JsonSchema.FromText(text), JsonDocument.Parse(text).RootElement.Clone());
        }

        return schemas.ToFrozenDictionary();
    }
}
