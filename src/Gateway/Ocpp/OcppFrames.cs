using System.Text.Json;

namespace Charge.Gateway.Ocpp;

/// <summary>One OCPP-J message as read from the socket.</summary>
public abstract record OcppFrame
{
    /// <summary>
    /// CALL [2, messageId, action, payload]. The payload is an element of the frame's one parsed document, which the
    /// frame owns: it is read where it was parsed (schema, then the action's record) and disposed after the answer.
    /// </summary>
    public sealed record Call(string MessageId, string Action, JsonElement Payload, JsonDocument Document) : OcppFrame, IDisposable
    {
        public void Dispose() => Document.Dispose();
    }

    /// <summary>CALLRESULT [3, id, payload] or CALLERROR [4, id, code, description, details] to one of our calls (a copy, free of the socket's buffer).</summary>
    public sealed record Answer(string MessageId, JsonElement Frame) : OcppFrame
    {
        public bool IsResult => Frame[0].TryGetInt32(out var type) && type == 3;

        public JsonElement? Payload => IsResult && Frame.GetArrayLength() > 2 ? Frame[2] : null;

        /// <summary>A CALLERROR's code and description, as the charger gave them.</summary>
        public string Refusal => string.Join(' ', Frame.EnumerateArray().Skip(2).Take(2)
            .Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()));
    }

    /// <summary>Not a well-formed message: the CALLERROR to send back.</summary>
    public sealed record Malformed(string Reply) : OcppFrame;
}

/// <summary>
/// The OCPP-J framing, the same for 1.6 and 2.0.1 (section 4 of each): JSON arrays, CALL [2, id, action, payload],
/// CALLRESULT [3, id, payload], CALLERROR [4, id, code, description, details]. Message IDs are strings of at most 36
/// characters. A message is parsed once, into one document; what no payload may hold (text that is not text,
/// numbers beyond 64 bits) is refused here, before any schema reads it.
/// </summary>
public static class OcppFrameCodec
{
    /// <summary>A key twice in one object is ambiguous (which meterStop?): the frame is refused, naming the key.</summary>
    private static readonly JsonDocumentOptions FrameOptions = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    public static OcppFrame Read(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, FrameOptions);
        }
        catch (JsonException e)
        {
            // Answered under the charger's own message ID when its start can be read (a key given twice, nesting too
            // deep or trailing text after the array), so the charger can match the refusal to its CALL.
            return Malformed(ReadableMessageId(text) ?? "-1", OcppErrorCode.FormationViolation, $"not an OCPP-J message: {Describe(e)}");
        }
        catch (InvalidOperationException)
        {
            // The reader met a key it cannot unescape into text (an unpaired UTF-16 surrogate) while checking for keys given twice.
            return Malformed(ReadableMessageId(text) ?? "-1", OcppErrorCode.FormationViolation, "a key holds an unpaired UTF-16 surrogate: not text");
        }

        var frame = Classify(document);
        if (frame is not OcppFrame.Call)
        {
            document.Dispose();
        }

        return frame;
    }

    private static OcppFrame Classify(JsonDocument document)
    {
        var frame = document.RootElement;
        if (frame.ValueKind != JsonValueKind.Array)
        {
            return Malformed("-1", OcppErrorCode.FormationViolation, "not an OCPP-J message: expected a JSON array [type, messageId, ...]");
        }

        var count = frame.GetArrayLength();
        var messageId = count > 1 ? Text(frame[1]) : null;
        if (messageId is null || messageId.Length is 0 or > 36)
        {
            return Malformed(messageId is { Length: > 0 and <= 36 } ? messageId : "-1", OcppErrorCode.FormationViolation,
                "the second element must be the message ID, a string of 1 to 36 characters");
        }

        var type = frame[0].ValueKind == JsonValueKind.Number && frame[0].TryGetInt32(out var n) ? n : -1;
        switch (type)
        {
            case 2 when count == 4 && Text(frame[2]) is { } action:
                if (Unreadable(frame[3], "payload") is { } problem)
                {
                    return Malformed(messageId, problem.Code, problem.Message);
                }

                return frame[3].ValueKind == JsonValueKind.Object
                    ? new OcppFrame.Call(messageId, action, frame[3], document)
                    : Malformed(messageId, OcppErrorCode.FormationViolation, $"{action} payload must be a JSON object");
            case 2:
                return Malformed(messageId, OcppErrorCode.FormationViolation, "a CALL is [2, messageId, action, payload]");
            case 3 or 4:
                return new OcppFrame.Answer(messageId, frame.Clone());
            default:
                return Malformed(messageId, OcppErrorCode.ProtocolError, "the message type must be 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR)");
        }
    }

    private static OcppFrame.Malformed Malformed(string messageId, string code, string description) => new(CallError(messageId, code, description));

    public static string Call(string messageId, string action, string payloadJson) =>
        $"[2,{JsonSerializer.Serialize(messageId)},{JsonSerializer.Serialize(action)},{payloadJson}]";

    public static string CallResult(string messageId, string payloadJson) => $"[3,{JsonSerializer.Serialize(messageId)},{payloadJson}]";

    public static string CallError(string messageId, string code, string description) =>
        $"[4,{JsonSerializer.Serialize(messageId)},{JsonSerializer.Serialize(code)},{JsonSerializer.Serialize(description)},{{}}]";

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
    /// The first thing in a payload no schema can judge, by its path: a key or string with an unpaired UTF-16
    /// surrogate (no text: nothing downstream can store or show it; the reader throws InvalidOperationException rather
    /// than hand it out), or a number beyond what 64 bits hold (no OCPP field is that large; it could not be read
    /// without a cast). Null when there is none.
    /// </summary>
    private static (string Code, string Message)? Unreadable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    string key;
                    try
                    {
                        key = member.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return NotText($"{path} (a key)");
                    }

                    if (LoneSurrogate(key))
                    {
                        return NotText($"{path} (a key)");
                    }

                    if (Unreadable(member.Value, $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Unreadable(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                try
                {
                    return LoneSurrogate(element.GetString()!) ? NotText(path) : null;
                }
                catch (InvalidOperationException)
                {
                    return NotText(path);
                }

            case JsonValueKind.Number:
                return element.TryGetInt64(out _)
                       || element.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9.2e18 && element.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') >= 0
                    ? null
                    : (OcppErrorCode.PropertyConstraintViolation, $"{path}: the number is beyond the range OCPP allows");
            default:
                return null;
        }

        static (string, string) NotText(string where) => (OcppErrorCode.FormationViolation, $"{where} holds an unpaired UTF-16 surrogate: not text");
    }

    /// <summary>A string element; null when it is not one, or not text (an unpaired surrogate).</summary>
    private static string? Text(JsonElement element)
    {
        try
        {
            return element.ValueKind == JsonValueKind.String && element.GetString() is { } text && !LoneSurrogate(text) ? text : null;
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
