using System.Collections.Frozen;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Charge.Gateway.Ocpp;

/// <summary>The OCPP 1.6J request schemas shipped in Ocpp/Schemas, compiled once; validation errors become CallError codes.</summary>
public static class OcppSchemas
{
    private static readonly Lazy<FrozenDictionary<string, JsonSchema>> Schemas = new(() => Load("Request.json"));
    private static readonly Lazy<FrozenDictionary<string, JsonSchema>> Responses = new(() => Load("Response.json"));

    public static bool Knows(string action) => Schemas.Value.ContainsKey(action);

    /// <summary>Whether the answer to a call we make is checked against a shipped schema.</summary>
    public static bool KnowsResponse(string action) => Responses.Value.ContainsKey(action);

    /// <summary>Checks a charge point's CALLRESULT to one of our calls; returns what is wrong, or null.</summary>
    public static string? ResponseProblem(string action, JsonNode? payload)
    {
        if (!Responses.Value.TryGetValue(action, out var schema))
        {
            return null;
        }

        if (payload is not JsonObject)
        {
            return $"{action}.conf is not a JSON object";
        }

        var errors = schema.Validate(payload.ToJsonString());
        if (errors.Count == 0)
        {
            return null;
        }

        var error = First(errors);
        return $"{action}.conf {error.Path?.TrimStart('#', '/') ?? error.Property}: {Describe(error.Kind)}";
    }

    /// <summary>Throws <see cref="OcppCallException"/> naming the first field that breaks the action's schema.</summary>
    public static void Validate(string action, JsonNode? payload)
    {
        if (payload is not JsonObject)
        {
            throw new OcppCallException(OcppErrorCode.FormationViolation, $"{action} payload must be a JSON object");
        }

        // The schema validator cannot read integers beyond 64 bits: such a number is refused here, by its path.
        if (OutOfRange(payload, action) is { } path)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{path}: the number is beyond the range OCPP allows");
        }

        // A StopTransaction is never refused for one sample of its transactionData: the samples are checked one by one
        // (MeterValueProblem) where they are read, and a bad one is dropped; the stop's own fields are checked here.
        var checkedPayload = action == "StopTransaction" && payload["transactionData"] is JsonArray
            ? Without(payload.AsObject(), "transactionData")
            : payload;
        var errors = Schemas.Value[action].Validate(checkedPayload.ToJsonString());
        if (errors.Count == 0)
        {
            return;
        }

        var error = First(errors);
        throw new OcppCallException(Code(error.Kind), $"{action}.{Field(error)}: {Describe(error.Kind)}");
    }

    /// <summary>What is wrong with one MeterValue element (as MeterValues' schema has it), naming it by <paramref name="path"/>; null when nothing.</summary>
    public static string? MeterValueProblem(JsonNode? element, string path)
    {
        var wrapped = new JsonObject { ["connectorId"] = 0, ["meterValue"] = new JsonArray(element?.DeepClone()) };
        var errors = Schemas.Value["MeterValues"].Validate(wrapped.ToJsonString());
        if (errors.Count == 0)
        {
            return null;
        }

        var error = First(errors);
        var field = Field(error);
        var inner = field.StartsWith("meterValue[0]", StringComparison.Ordinal) ? field["meterValue[0]".Length..]
            : field.StartsWith("meterValue.0", StringComparison.Ordinal) ? field["meterValue.0".Length..]
            : "";
        return $"{path}{inner}: {Describe(error.Kind)}";
    }

    private static string Field(ValidationError error) =>
        string.IsNullOrEmpty(error.Path) ? error.Property ?? "payload" : error.Path.TrimStart('#', '/').Replace('/', '.');

    private static JsonObject Without(JsonObject payload, string key)
    {
        var copy = payload.DeepClone().AsObject();
        copy.Remove(key);
        return copy;
    }

    private static string? OutOfRange(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (OutOfRange(child, $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (OutOfRange(a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                return v.TryGetValue<long>(out _) || v.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Abs(d) < 9.2e18 && v.ToJsonString().AsSpan().IndexOfAny('.', 'e', 'E') >= 0
                    ? null
                    : path;
            default:
                return null;
        }
    }

    private static ValidationError First(ICollection<ValidationError> errors)
    {
        var error = errors.First();
        // Nested errors (inside arrays of objects) carry the precise field.
        while (error is ChildSchemaValidationError child && child.Errors.Values.SelectMany(e => e).FirstOrDefault() is { } inner)
        {
            error = inner;
        }

        return error;
    }

    private static string Code(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.PropertyRequired or ValidationErrorKind.TooFewItems or ValidationErrorKind.TooManyItems
            => OcppErrorCode.OccurenceConstraintViolation,
        ValidationErrorKind.NoAdditionalPropertiesAllowed => OcppErrorCode.FormationViolation,
        ValidationErrorKind.StringExpected or ValidationErrorKind.IntegerExpected or ValidationErrorKind.NumberExpected
            or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
            or ValidationErrorKind.DateTimeExpected or ValidationErrorKind.NullExpected
            => OcppErrorCode.TypeConstraintViolation,
        _ => OcppErrorCode.PropertyConstraintViolation,
    };

    private static string Describe(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.PropertyRequired => "required field is missing",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => "field is not part of OCPP 1.6",
        ValidationErrorKind.NotInEnumeration => "value is not one of the values OCPP 1.6 allows",
        ValidationErrorKind.StringTooLong => "value is longer than OCPP 1.6 allows",
        ValidationErrorKind.DateTimeExpected => "value is not an RFC 3339 date-time",
        ValidationErrorKind.IntegerExpected => "value must be an integer",
        ValidationErrorKind.StringExpected => "value must be a string",
        ValidationErrorKind.TooFewItems => "array has too few items",
        _ => kind.ToString(),
    };

    private static FrozenDictionary<string, JsonSchema> Load(string suffix)
    {
        var assembly = typeof(OcppSchemas).Assembly;
        var schemas = new Dictionary<string, JsonSchema>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("ocpp16.", StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var action = name["ocpp16.".Length..^suffix.Length];
            schemas[action] = JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
        }

        return schemas.ToFrozenDictionary();
    }
}
