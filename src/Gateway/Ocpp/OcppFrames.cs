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
            return new OcppFrame.Malformed(CallError("-1", OcppErrorCode.FormationViolation, $"not an OCPP-J message: {Describe(e)}"));
        }

        var messageId = frame.Count > 1 && frame[1] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
        if (messageId is null || messageId.Length is 0 or > 36)
        {
            return new OcppFrame.Malformed(CallError(messageId ?? "-1", OcppErrorCode.FormationViolation, "the second element must be the message ID, a string of 1 to 36 characters"));
        }

        var type = frame[0] is JsonValue t && t.TryGetValue<int>(out var n) ? n : -1;
        return type switch
        {
            2 when frame.Count == 4 && frame[2] is JsonValue a && a.TryGetValue<string>(out var action) => new OcppFrame.Call(messageId, action, frame[3]),
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

    private static string Describe(JsonException e) =>
        e.Message.StartsWith("Duplicate property", StringComparison.Ordinal)
            ? $"{e.Message[..e.Message.IndexOf(" encountered", StringComparison.Ordinal)].Replace("Duplicate property", "the key")} appears twice in one object"
            : e.LineNumber is { } line
                ? $"malformed JSON at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message[..Math.Max(0, e.Message.IndexOf(" LineNumber", StringComparison.Ordinal))]}"
                : "expected a JSON array [type, messageId, ...]";
}
