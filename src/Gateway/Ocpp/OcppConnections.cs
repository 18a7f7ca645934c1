using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Charge.Gateway.Ocpp;

/// <summary>The charge points connected to this gateway: one socket each; a reconnect replaces the old socket.</summary>
public sealed class OcppConnections
{
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();

    public int Count => _sockets.Count;

    public bool IsConnected(string chargePointId) => _sockets.ContainsKey(chargePointId);

    /// <summary>Registers a new socket; the previous one of the same charge point, if any, is closed.</summary>
    public void Replace(string chargePointId, WebSocket socket)
    {
        WebSocket? previous = null;
        _sockets.AddOrUpdate(chargePointId, socket, (_, old) =>
        {
            previous = old;
            return socket;
        });
        if (previous is null)
        {
            Telemetry.GatewayMetrics.Connected();
        }

        if (previous is not null && previous != socket)
        {
            _ = CloseQuietly(previous);
        }
    }

    public void Remove(string chargePointId, WebSocket socket)
    {
        if (_sockets.TryRemove(new KeyValuePair<string, WebSocket>(chargePointId, socket)))
        {
            Telemetry.GatewayMetrics.Disconnected();
        }
    }

    /// <summary>Closes every socket (a draining gateway): "going away", so the charge points reconnect elsewhere.</summary>
    public void CloseAll(string reason)
    {
        foreach (var socket in _sockets.Values)
        {
            _ = CloseQuietly(socket, WebSocketCloseStatus.EndpointUnavailable, reason);
        }
    }

    private static async Task CloseQuietly(WebSocket socket,
        WebSocketCloseStatus status = WebSocketCloseStatus.PolicyViolation, string reason = "replaced by a newer connection of the same charge point")
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }
}
