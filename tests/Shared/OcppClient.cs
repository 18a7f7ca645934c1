using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Charge.Tests;

/// <summary>
/// A minimal OCPP-J 1.6 charge point: CALLs with unique IDs, one at a time, over a plain ClientWebSocket. The
/// central system's local-list calls (GetLocalListVersion, SendLocalList) are answered wherever they arrive, by
/// <see cref="LocalList"/>: by default with a NotImplemented CALLERROR, as a charger without the feature does.
/// </summary>
public sealed class OcppClient : IAsyncDisposable
{
    private static readonly HashSet<string> Background = ["GetLocalListVersion", "SendLocalList"];

    private readonly ClientWebSocket _socket;
    private int _next;

    /// <summary>Answers the local-list calls (null answer: a NotImplemented CALLERROR).</summary>
    public Func<string, JsonObject, JsonObject?> LocalList { get; set; } = (_, _) => null;

    // CALLs from the central system that arrived while the client waited for an answer: AnswerNextCall takes them first.
    private readonly Queue<JsonArray> _calls = new();

    /// <summary>The local-list calls received, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Action, JsonObject Payload)> LocalListCalls { get; } = new();

    private OcppClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects; authorization is the HTTP Basic header of OCPP 1.6 Security Profile 1 (null: none).</summary>
    public static async Task<OcppClient> ConnectAsync(Uri uri, string? authorization)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        await socket.ConnectAsync(uri, CancellationToken.None);
        Assert.Equal("ocpp1.6", socket.SubProtocol);
        return new OcppClient(socket);
    }

    public async Task<JsonArray> Call(string action, JsonObject payload)
    {
        var id = $"m{Interlocked.Increment(ref _next)}";
        var reply = await SendRaw(new JsonArray(2, id, action, payload).ToJsonString());
        Assert.Equal(id, reply[1]!.GetValue<string>());
        return reply;
    }

    public async Task<JsonArray> SendRaw(string text)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        while (true)
        {
            var frame = await Receive();
            if (await AnsweredInBackground(frame))
            {
                continue;
            }

            if (frame[0]!.GetValue<int>() == 2)
            {
                _calls.Enqueue(frame);
                continue;
            }

            return frame;
        }
    }

    /// <summary>Waits until a local-list call has arrived (answering whatever comes meanwhile); fails after the timeout.</summary>
    public async Task<(string Action, JsonObject Payload)> NextLocalListCall(TimeSpan? timeout = null)
    {
        var seen = LocalListCalls.Count;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (LocalListCalls.Count <= seen)
        {
            Assert.True(DateTime.UtcNow < deadline, "no local-list call arrived");
            await AnsweredInBackground(await Receive(deadline - DateTime.UtcNow));
        }

        return LocalListCalls.ToArray()[seen];
    }

    private async Task<JsonArray> Receive(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var buffer = new byte[256 * 1024];
        var count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), cancel.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count))!.AsArray();
    }

    /// <summary>Answers a local-list CALL from the central system; false for any other frame.</summary>
    private async Task<bool> AnsweredInBackground(JsonArray frame)
    {
        if (frame[0]!.GetValue<int>() != 2 || !Background.Contains(frame[2]!.GetValue<string>()))
        {
            return false;
        }

        var (id, action, payload) = (frame[1]!.GetValue<string>(), frame[2]!.GetValue<string>(), frame[3]!.AsObject());
        LocalListCalls.Enqueue((action, payload));
        var response = LocalList(action, payload);
        var reply = response is null
            ? new JsonArray(4, id, "NotImplemented", "this charger has no local authorization list", new JsonObject())
            : new JsonArray(3, id, response);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(reply.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Boots as a charger whose local list is at version 0 and accepts every update; the two local-list calls the
    /// central system makes after the boot (GetLocalListVersion, then SendLocalList).
    /// </summary>
    public async Task<((string Action, JsonObject Payload) Asked, (string Action, JsonObject Payload) Sent)> BootWithLocalList()
    {
        LocalList = (action, _) => action == "GetLocalListVersion" ? new JsonObject { ["listVersion"] = 0 } : new JsonObject { ["status"] = "Accepted" };
        await Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        return (await NextLocalListCall(), await NextLocalListCall());
    }

    /// <summary>Receives the central system's next CALL and answers it (a null answer sends a CALLERROR).</summary>
    public async Task<(string Action, JsonObject Payload)> AnswerNextCall(Func<string, JsonObject, JsonObject?> answer)
    {
        JsonArray frame;
        if (!_calls.TryDequeue(out frame!))
        {
            do
            {
                frame = await Receive();
            }
            while (await AnsweredInBackground(frame));
        }

        var text = frame.ToJsonString();
        Assert.True(frame[0]!.GetValue<int>() == 2 && frame[3] is JsonObject, $"expected a CALL, got {text}");
        var (id, action, payload) = (frame[1]!.GetValue<string>(), frame[2]!.GetValue<string>(), frame[3]!.AsObject());
        var response = answer(action, payload);
        var reply = response is null
            ? new JsonArray(4, id, "NotSupported", "this charger cannot do that", new JsonObject())
            : new JsonArray(3, id, response);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(reply.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return (action, payload);
    }

    public async Task<WebSocketCloseStatus?> ReceiveClose(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}
