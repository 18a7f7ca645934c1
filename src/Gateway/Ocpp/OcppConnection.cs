using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// One charge point's socket, and the channel through which the central system calls it: CALLs out one at a time
/// (OCPP-J: one request in flight per direction), answers matched by message ID, sends serialized.
/// </summary>
public sealed class OcppConnection(string chargePointId, WebSocket socket, TimeSpan callTimeout, OcppProtocol protocol, IGrainFactory grains) : IOcppChannel
{
    private readonly IOcppCommandSet _commands = IOcppCommandSet.For(protocol);

    /// <summary>How this connection's OCPP version writes the domain's commands.</summary>
    public IOcppCommandSet Commands => _commands;

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly SemaphoreSlim _outbound = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<OcppFrame.Answer>> _pending = new();
    private int _next;

    public string ChargePointId { get; } = chargePointId;

    /// <summary>The OCPP version negotiated for this socket.</summary>
    public OcppProtocol Protocol { get; } = protocol;

    /// <summary>The charger grain, told the answers to one-way commands (limits).</summary>
    public IChargerGrain? Charger { get; set; }

    public async Task Revoked(string reason)
    {
        try
        {
            // The close frame only: the connection's receive loop reads the charger's answering close and ends.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, reason.Length > 120 ? reason[..120] : reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            Socket.Abort();
        }
    }

    public async Task Limit(StationCommand command)
    {
        var status = "NotSupported";
        try
        {
            if (command.LimitW is null)
            {
                // The site's limit was removed: the transaction's profile goes.
                if (_commands.ClearTxLimit(ChargePointId, command.SessionId, command.ConnectorId) is var (clear, clearPayload))
                {
                    await Call(clear, clearPayload);
                }

                return;
            }

            var w = command.LimitW.Value;
            // A TxProfile for the running transaction, from its start; a new limit replaces the previous one.
            if (_commands.TxLimit(ChargePointId, command.SessionId, command.ConnectorId, w, inAmps: false) is var (action, payload))
            {
                status = Messages.OcppJson.StatusOf(await Call(action, payload));
                if (status == "Rejected" && _commands.TxLimit(ChargePointId, command.SessionId, command.ConnectorId, w, inAmps: true) is var (inAmps, ampsPayload))
                {
                    status = Messages.OcppJson.StatusOf(await Call(inAmps, ampsPayload));
                }

                if (status == "Accepted" && await CompositeLimitW(command.ConnectorId) is { } applied && applied > w + 1)
                {
                    // The charger took the profile but its composite schedule still allows more: it is not limited.
                    status = "NotApplied";
                }
            }
        }
        catch (Exception e) when (e is ChargeException or TimeoutException)
        {
            // A CALLERROR (NotImplemented, ...) or no answer: not limited.
            status = "NotSupported";
        }

        if (Charger is { } charger)
        {
            // The answer names the limit it answers: an earlier limit's answer must not pass for a later one's.
            await charger.LimitAnswered(command.SessionId, status, command.LimitW ?? double.PositiveInfinity);
        }

        if (status == "Rejected")
        {
            await ClearDefaultProfile();
        }
    }

    /// <summary>
    /// A charger that takes no TxProfile may still hold the 0 W TxDefaultProfile of its boot: it goes, so the car
    /// charges (counted at its maximum) rather than waits at nothing.
    /// </summary>
    private async Task ClearDefaultProfile()
    {
        try
        {
            var (clear, payload) = _commands.ClearDefaultLimit();
            await Call(clear, payload);
        }
        catch (Exception e) when (e is ChargeException or TimeoutException)
        {
            // No default profile to clear, or no answer: nothing more can be done from here.
        }
    }

    /// <summary>Sends the TxDefaultProfile at <paramref name="limitW"/>; the charger's status.</summary>
    public async Task<string> SetDefaultLimit(double limitW)
    {
        var (action, payload) = _commands.DefaultLimit(limitW);
        return Messages.OcppJson.StatusOf(await Call(action, payload));
    }

    public async Task DefaultLimit(double? limitW)
    {
        try
        {
            if (limitW is { } w)
            {
                await SetDefaultLimit(w);
            }
            else
            {
                await ClearDefaultProfile();
            }
        }
        catch (Exception e) when (e is ChargeException or TimeoutException)
        {
            // A charger without smart charging: its sessions are counted at their maximum when they are limited.
        }
    }

    public WebSocket Socket { get; } = socket;

    public async Task<string> Operate(OperatorCommand command)
    {
        var (action, payload) = _commands.Operate(ChargePointId, command);
        var (status, learned) = _commands.Read(command, await Call(action, payload), DateTime.UtcNow);
        if (!learned.IsDefaultOrEmpty)
        {
            // What the charger said of its variables on the way is its device model's (a GetVariables, a set accepted).
            await grains.GetGrain<IDeviceModelGrain>(ChargePointId).Record(learned);
        }

        return status;
    }

    public async Task<string> Deliver(StationCommand command)
    {
        var (action, payload) = command.Kind switch
        {
            StationCommandKind.RemoteStop when _commands.RemoteStop(ChargePointId, command.SessionId) is { } stop => stop,
            _ => throw ChargeException.FailedPrecondition($"{command.Kind} of session '{command.SessionId}' has no {Protocol.Name} form on charger '{ChargePointId}'"),
        };
        return Messages.OcppJson.StatusOf(await Call(action, payload));
    }

    /// <summary>
    /// The connector's composite schedule's limit now (W), to verify a profile took effect; null when the charger
    /// cannot say (Rejected, a CALLERROR, a schedule in A or without periods).
    /// </summary>
    private async Task<double?> CompositeLimitW(int connectorId)
    {
        try
        {
            var (action, payload) = _commands.CompositeSchedule(connectorId);
            return _commands.CompositeLimitW(await Call(action, payload));
        }
        catch (Exception e) when (e is ChargeException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public async Task<string> Call(string action, string payloadJson)
    {
        await _outbound.WaitAsync();
        var id = $"cs-{Interlocked.Increment(ref _next)}";
        var answer = new TaskCompletionSource<OcppFrame.Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            await Send(OcppFrameCodec.Call(id, action, payloadJson), CancellationToken.None);
            var frame = await answer.Task.WaitAsync(callTimeout);
            outcome = frame.IsResult ? "answered" : "callerror";
            if (!frame.IsResult)
            {
                throw ChargeException.FailedPrecondition($"charger '{ChargePointId}' refused {action}: {frame.Refusal}".TrimEnd());
            }

            return Protocol.Schemas.ResponseProblem(action, frame.Payload) is { } problem
                ? throw ChargeException.FailedPrecondition($"charger '{ChargePointId}' answered with an invalid {problem}")
                : frame.Payload!.Value.GetRawText();
        }
        catch (TimeoutException)
        {
            outcome = "timeout";
            throw ChargeException.FailedPrecondition($"charger '{ChargePointId}' did not answer {action} within {callTimeout.TotalSeconds:0} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _outbound.Release();
            Telemetry.GatewayMetrics.Command(action, outcome, started);
        }
    }

    /// <summary>A CALLRESULT or CALLERROR from the charge point: true when it answers one of our calls.</summary>
    public bool Answer(OcppFrame.Answer frame) =>
        _pending.TryGetValue(frame.MessageId, out var waiting) && waiting.TrySetResult(frame);

    public async Task Send(string text, CancellationToken cancellation)
    {
        await _send.WaitAsync(cancellation);
        try
        {
            await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellation);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Fails every call still waiting: the socket is gone.</summary>
    public void Close()
    {
        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new TimeoutException("connection closed"));
        }
    }
}
