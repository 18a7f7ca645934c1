using System.Text.Json;
using System.Text.Json.Nodes;

namespace Charge.Gateway.Ocpp;

/// <summary>One OCPP-J message as read from the socket.</summary>
public abstract record OcppFrame
{
    /// <summary>CALL [2, messageId, action, payload].</summary>
    public sealed record Call(string MessageId, string Action, JsonNode? Payload) : OcppFrame;

    /// <summary>CALLRESULT [3, ...] or CALLERROR [4, ...] to one of our calls.</summary>
    public sealed record Answer(string MessageId, JsonArray Frame) : OcppFrame;

    /// <summary>Not a well-formed message: the CALLERROR to send back.</summary>
    public sealed record Malformed(string Reply) : OcppFrame;
}

/// <summary>
/// The OCPP-J 1.6 framing (section 4): JSON arrays, CALL [2, id, action, payload], CALLRESULT [3, id, payload],
/// CALLERROR [4, id, code, description, details]. Message IDs are strings of at most 36 characters.
/// </summary>
public static class OcppFrameCodec
{
    /// <summary>A key twice in one object is ambiguous (which meterStop?): the frame is refused, naming the key.</summary>
    private static readonly JsonDocumentOptions FrameOptions = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    public static OcppFrame Read(string text)
    {
        JsonArray frame;
        try
        {
            frame = JsonNode.Parse(text, documentOptions: FrameOptions) as JsonArray
                ?? throw new JsonException("the message is JSON but not an array");
        }
        catch (JsonException e)
        {
            // Answered under the charger's own message ID when its start can be read (a key given twice, nesting too
            // deep or trailing text after the array), so the charger can match the refusal to its CALL.
            return new OcppFrame.Malformed(CallError(ReadableMessageId(text) ?? "-1", OcppErrorCode.FormationViolation, $"not an OCPP-J message: {Describe(e)}"));
        }
        catch (InvalidOperationException)
        {
            // The reader met a key it cannot unescape into text (an unpaired UTF-16 surrogate) while checking for keys given twice.
            return new OcppFrame.Malformed(CallError(ReadableMessageId(text) ?? "-1", OcppErrorCode.FormationViolation,
                "a key holds an unpaired UTF-16 surrogate: not text"));
        }

        var messageId = frame.Count > 1 ? Text(frame[1]) : null;
        if (messageId is null || messageId.Length is 0 or > 36)
        {
            return new OcppFrame.Malformed(CallError(messageId is { Length: > 0 and <= 36 } ? messageId : "-1",
                OcppErrorCode.FormationViolation, "the second element must be the message ID, a string of 1 to 36 characters"));
        }

        // A string with an unpaired UTF-16 surrogate (a JSON escape like \ud800 alone) is no text: nothing downstream
        // can store or show it.
        if (frame.Count == 4 && BadText(frame[3], "payload") is { } where)
        {
            return new OcppFrame.Malformed(CallError(messageId, OcppErrorCode.FormationViolation, $"{where} holds an unpaired UTF-16 surrogate: not text"));
        }

        var type = frame[0] is JsonValue t && t.TryGetValue<int>(out var n) ? n : -1;
        return type switch
        {
            2 when frame.Count == 4 && Text(frame[2]) is { } action => new OcppFrame.Call(messageId, action, frame[3]),
            2 => new OcppFrame.Malformed(CallError(messageId, OcppErrorCode.FormationViolation, "a CALL is [2, messageId, action, payload]")),
            3 or 4 => new OcppFrame.Answer(messageId, frame),
            _ => new OcppFrame.Malformed(CallError(messageId, OcppErrorCode.ProtocolError, "the message type must be 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR)")),
        };
    }

    public static string Call(string messageId, string action, string payloadJson) =>
        new JsonArray(2, messageId, action, JsonNode.Parse(payloadJson)).ToJsonString();

    public static string CallResult(string messageId, JsonObject payload) => new JsonArray(3, messageId, payload).ToJsonString();

    public static string CallError(string messageId, string code, string description) =>
        new JsonArray(4, messageId, code, description, new JsonObject()).ToJsonString();

    /// <summary>The message ID of a frame that is not valid JSON as a whole: [type, "id", ... read up to the ID; null when even that fails.</summary>
    private static string? ReadableMessageId(string text)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.Number
                || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            var id = reader.GetString();
            return id is { Length: > 0 and <= 36 } && !LoneSurrogate(id) ? id : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The path of the first property name or string value with an unpaired surrogate; null when all text is well
    /// formed. (The JSON reader refuses to hand out such a string: it throws InvalidOperationException.)
    /// </summary>
    private static string? BadText(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = [.. o];
                }
                catch (InvalidOperationException)
                {
                    return $"{path} (a key)";
                }

                foreach (var (key, child) in members)
                {
                    if (LoneSurrogate(key))
                    {
                        return $"{path} (a key)";
                    }

                    if (BadText(child, $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (BadText(a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    return LoneSurrogate(v.GetValue<string>()) ? path : null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }
            default:
                return null;
        }
    }

    /// <summary>A string element; null when it is not one, or not text (an unpaired surrogate).</summary>
    private static string? Text(JsonNode? node)
    {
        try
        {
            return node is JsonValue v && v.TryGetValue<string>(out var text) && !LoneSurrogate(text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool LoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(JsonException e) =>
        e.Message.StartsWith("Duplicate property", StringComparison.Ordinal)
            ? $"{e.Message[..e.Message.IndexOf(" encountered", StringComparison.Ordinal)].Replace("Duplicate property", "the key")} appears twice in one object"
            : e.LineNumber is { } line
                ? $"malformed JSON at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message[..Math.Max(0, e.Message.IndexOf(" LineNumber", StringComparison.Ordinal))]}"
                : "expected a JSON array [type, messageId, ...]";
}
