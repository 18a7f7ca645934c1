using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Charge.Tests;

/// <summary>
/// The tests' one OCPP-J 1.6 charge point. A background loop reads the socket, so the central system's CALLs and the
/// answers to ours interleave as on a real charger. Our CALLs go one at a time (OCPP-J: one request in flight per
/// direction) and wait for the next answer. The central system's CALLs are answered by <see cref="OnCall"/> when set
/// (a simulated charger), the local-list ones by <see cref="LocalList"/> (by default a NotImplemented CALLERROR, as a
/// charger without the feature gives), and the rest wait for the test's <see cref="AnswerNextCall"/>.
/// </summary>
public sealed class OcppClient : IAsyncDisposable
{
    private static readonly HashSet<string> Background = ["GetLocalListVersion", "SendLocalList"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly SemaphoreSlim _oneCall = new(1, 1);
    private readonly Channel<JsonArray> _answers = Channel.CreateUnbounded<JsonArray>();
    private readonly Channel<JsonArray> _calls = Channel.CreateUnbounded<JsonArray>();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private int _next;
    private int _localListTaken;

    private OcppClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(Receive);
    }

    /// <summary>Answers every CALL of the central system (a simulated charger); null answer: a NotImplemented CALLERROR.</summary>
    public Func<string, JsonObject, JsonObject?>? OnCall { get; set; }

    /// <summary>Answers the local-list calls (null answer: a NotImplemented CALLERROR).</summary>
    public Func<string, JsonObject, JsonObject?> LocalList { get; set; } = (_, _) => null;

    /// <summary>The local-list calls received, in order.</summary>
    public ConcurrentQueue<(string Action, JsonObject Payload)> LocalListCalls { get; } = new();

    /// <summary>
    /// Strict mode: what is wrong with a CALLRESULT payload to one of our CALLs (action, JSON), null when nothing; a
    /// problem fails the test. Set by tests that can check against the shipped schemas (OCPP 2.0.1 both ways).
    /// </summary>
    public Func<string, string, string?>? CheckAnswer { get; set; }

    /// <summary>Strict mode: what is wrong with a CALL the central system sent (action, JSON payload); null when nothing.</summary>
    public Func<string, string, string?>? CheckCall { get; set; }

    /// <summary>The subprotocol the central system chose.</summary>
    public string SubProtocol => _socket.SubProtocol ?? "";

    /// <summary>Connects offering <paramref name="subProtocols"/> (default OCPP 1.6); authorization is the HTTP Basic header of Security Profile 1 (null: none).</summary>
    public static async Task<OcppClient> ConnectAsync(Uri uri, string? authorization, params string[] subProtocols)
    {
        var socket = new ClientWebSocket();
        foreach (var protocol in subProtocols.Length == 0 ? ["ocpp1.6"] : subProtocols)
        {
            socket.Options.AddSubProtocol(protocol);
        }

        if (authorization is not null)
        {
            socket.Options.SetRequestHeader("Authorization", authorization);
        }

        await socket.ConnectAsync(uri, CancellationToken.None);
        Assert.Contains(socket.SubProtocol, subProtocols.Length == 0 ? ["ocpp1.6"] : subProtocols);
        return new OcppClient(socket);
    }

    /// <summary>Sends a CALL and returns the central system's answer frame (CALLRESULT or CALLERROR).</summary>
    public async Task<JsonArray> Call(string action, JsonObject payload)
    {
        var id = $"m{Interlocked.Increment(ref _next)}";
        var reply = await SendRaw(new JsonArray(2, id, action, payload).ToJsonString());
        Assert.Equal(id, reply[1]!.GetValue<string>());
        if (CheckAnswer is { } check && reply[0]!.GetValue<int>() == 3 && check(action, reply[2]!.ToJsonString()) is { } problem)
        {
            Assert.Fail($"the answer to {action} breaks its schema: {problem}: {reply.ToJsonString()}");
        }

        return reply;
    }

    /// <summary>Sends a CALL and returns its CALLRESULT payload; a CALLERROR fails the test.</summary>
    public async Task<JsonObject> CallResult(string action, JsonObject payload)
    {
        var frame = await Call(action, payload);
        Assert.True(frame[0]!.GetValue<int>() == 3, $"{action} answered {frame.ToJsonString()}");
        return frame[2]!.AsObject();
    }

    /// <summary>Sends any text and returns the next answer frame that arrives.</summary>
    public async Task<JsonArray> SendRaw(string text)
    {
        await _oneCall.WaitAsync();
        try
        {
            await Send(text);
            using var timeout = new CancellationTokenSource(Patience);
            return await _answers.Reader.ReadAsync(timeout.Token);
        }
        finally
        {
            _oneCall.Release();
        }
    }

    /// <summary>The local-list call after the last one this returned (it may have arrived already); fails after the timeout.</summary>
    public async Task<(string Action, JsonObject Payload)> NextLocalListCall(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (LocalListCalls.Count <= _localListTaken)
        {
            Assert.True(DateTime.UtcNow < deadline, "no local-list call arrived");
            await Task.Delay(20);
        }

        return LocalListCalls.ToArray()[_localListTaken++];
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

    /// <summary>Takes the central system's next CALL and answers it (a null answer sends a CALLERROR).</summary>
    public async Task<(string Action, JsonObject Payload)> AnswerNextCall(Func<string, JsonObject, JsonObject?> answer)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var frame = await _calls.Reader.ReadAsync(timeout.Token);
        var (id, action, payload) = (frame[1]!.GetValue<string>(), frame[2]!.GetValue<string>(), frame[3]!.AsObject());
        await Reply(id, answer(action, payload), "NotSupported", "this charger cannot do that");
        return (action, payload);
    }

    /// <summary>The status the central system closed the socket with; fails after the timeout.</summary>
    public Task<WebSocketCloseStatus?> ReceiveClose(TimeSpan timeout) => _closed.Task.WaitAsync(timeout);

    private async Task Receive()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), _stop.Token);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    break;
                }

                var frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count))!.AsArray();
                if (frame[0]!.GetValue<int>() != 2)
                {
                    _answers.Writer.TryWrite(frame);
                    continue;
                }

                var (id, action, payload) = (frame[1]!.GetValue<string>(), frame[2]!.GetValue<string>(), frame[3]!.AsObject());
                if (CheckCall?.Invoke(action, payload.ToJsonString()) is { } problem)
                {
                    // Kept for the test to see: a call that breaks its schema is answered FormationViolation and fails the next wait.
                    _answers.Writer.TryComplete(new InvalidOperationException($"the central system's {action} breaks its schema: {problem}"));
                    await Reply(id, null, "FormationViolation", problem);
                    continue;
                }

                if (Background.Contains(action))
                {
                    LocalListCalls.Enqueue((action, payload));
                    await Reply(id, LocalList(action, payload), "NotImplemented", "this charger has no local authorization list");
                }
                else if (OnCall is { } onCall)
                {
                    await Reply(id, onCall(action, payload), "NotImplemented", $"{action} is not simulated");
                }
                else
                {
                    _calls.Writer.TryWrite(frame);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Closed or aborted.
        }
        finally
        {
            _closed.TrySetResult(null);
            _answers.Writer.TryComplete(new WebSocketException("the connection closed"));
            _calls.Writer.TryComplete(new WebSocketException("the connection closed"));
        }
    }

    private Task Reply(string id, JsonObject? response, string errorCode, string description) =>
        Send((response is null ? new JsonArray(4, id, errorCode, description, new JsonObject()) : new JsonArray(3, id, response)).ToJsonString());

    private async Task Send(string text)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        _stop.Cancel();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        _send.Dispose();
        _oneCall.Dispose();
    }
}
