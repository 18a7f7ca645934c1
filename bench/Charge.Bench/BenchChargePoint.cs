using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Charge.Bench;

/// <summary>
/// A load charge point's OCPP 1.6J socket: one CALL of its own in flight at a time (OCPP 1.6), its answer matched by
/// message id, and the central system's own CALLs refused the moment they arrive (a load charger implements none).
/// Read only while a call of its own waited, the server's calls (the local list after boot) timed out and were
/// answered late: thousands of warnings and retries at 18,000 charge points.
/// </summary>
public sealed class BenchChargePoint : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Task _receiving;
    private Pending? _pending;
    private Exception? _closed;
    private int _next;

    private BenchChargePoint(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(Receive);
    }

    public static async Task<BenchChargePoint> Connect(string uri, string authorization, string subProtocol = "ocpp1.6")
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        socket.Options.SetRequestHeader("Authorization", authorization);
        await socket.ConnectAsync(new Uri(uri), CancellationToken.None);
        return new BenchChargePoint(socket);
    }

    /// <summary>Sends a CALL and returns the CALLRESULT or CALLERROR that answers it; a closed socket is a WebSocketException.</summary>
    public async Task<JsonArray> Call(string action, JsonObject payload)
    {
        var id = (++_next).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<JsonArray>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Full fences both ways (here and in Fail): a close seen by neither would leave the call waiting for ever.
        Interlocked.Exchange(ref _pending, new Pending(id, answer));
        if (Volatile.Read(ref _closed) is { } closed)
        {
            throw new WebSocketException(closed.Message, closed);
        }

        await Send(new JsonArray(2, id, action, payload));
        return await answer.Task;
    }

    /// <summary>A CALL timed into <paramref name="timings"/> by action; answers other than a CALLRESULT apart, as "(error)".</summary>
    public async Task<JsonArray> Call(string action, JsonObject payload, ConcurrentDictionary<string, ConcurrentBag<double>> timings)
    {
        var watch = Stopwatch.StartNew();
        var frame = await Call(action, payload);
        timings.GetOrAdd(frame[0]!.GetValue<int>() == 3 ? action : action + " (error)", _ => []).Add(watch.Elapsed.TotalMilliseconds);
        return frame;
    }

    public async Task Close()
    {
        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await _receiving;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sending.Dispose();
    }

    private sealed record Pending(string Id, TaskCompletionSource<JsonArray> Answer);

    private async Task Send(JsonArray frame)
    {
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task Receive()
    {
        var buffer = new byte[8 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Fail(new WebSocketException("the central system closed the socket"));
                    return;
                }

                var frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count))!.AsArray();
                var id = frame[1]!.GetValue<string>();
                if (frame[0]!.GetValue<int>() == 2)
                {
                    await Send(new JsonArray(4, id, "NotImplemented", "not in the load run", new JsonObject()));
                }
                else if (Volatile.Read(ref _pending) is { } pending && pending.Id == id)
                {
                    Interlocked.CompareExchange(ref _pending, null, pending);
                    pending.Answer.TrySetResult(frame);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        Interlocked.Exchange(ref _closed, e);
        if (Volatile.Read(ref _pending) is { } pending)
        {
            pending.Answer.TrySetException(e as WebSocketException ?? new WebSocketException(e.Message, e));
        }
    }
}
