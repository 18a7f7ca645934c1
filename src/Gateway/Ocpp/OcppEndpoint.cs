using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Charge.Gateway.Services;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The OCPP-J transport: ws://host{prefix}/{chargePointId} with subprotocol "ocpp2.0.1" or "ocpp1.6" (the newest the
/// charger offers). Messages are JSON arrays: CALL [2, id, action, payload], CALLRESULT [3, id, payload], CALLERROR
/// [4, id, code, description, details]. A connection handles one CALL at a time (one request in flight per
/// direction). The version decides the schemas, the handlers and the command set; the rest is shared.
/// </summary>
public sealed partial class OcppEndpoint(
    OcppCentralSystem centralSystem, OcppCostNotifier costNotifier, OcppLocalList localList, OcppSmartCharging smartCharging, OcppConnections connections, IGrainFactory grains, Hosting.ChargerRateLimiter rateLimiter,
    Hosting.GatewayDrain drain, TimeProvider time, IOptions<OcppOptions> options, ILogger<OcppEndpoint> logger)
{
    public async Task Accept(HttpContext context, string chargePointId)
    {
        if (drain.Draining)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsync(Hosting.GatewayDrain.Message);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("OCPP-J needs a WebSocket upgrade");
            return;
        }

        try
        {
            RequestValidation.Id(chargePointId, "chargePointId");
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.InvalidArgument)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(e.Message);
            return;
        }

        if (context.User.FindFirst(Security.ChargeRoles.ChargerIdClaim)?.Value != chargePointId)
        {
            // The Basic username is the charge point identity (OCPP 1.6 security whitepaper): one charger's
            // credential never opens another's connection.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync($"the credential is not charge point '{chargePointId}''s");
            return;
        }

        if (OcppProtocol.Negotiate(context.WebSockets.WebSocketRequestedProtocols) is not { } protocol)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"the WebSocket subprotocol must be one of {string.Join(", ", OcppProtocol.NewestFirst.Select(p => p.SubProtocol))}");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol.SubProtocol);
        var connection = new OcppConnection(chargePointId, socket, options.Value.CallTimeout, protocol, grains);
        connections.Replace(chargePointId, socket);
        var charger = grains.Reference<IChargerGrain>(chargePointId);
        connection.Charger = charger;
        await using var channel = Hosting.ObserverSubscription<IOcppChannel>.Create(grains, connection, charger.AttachOcpp, charger.DetachOcpp);
        try
        {
            // Registered before the first message is served, so commands reach the charger from then on.
            await charger.AttachOcpp(channel.Reference);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The renewal tries again soon.
        }

        channel.StartRenewing(ChannelRenewal.Every, time, retry: TimeSpan.FromSeconds(2));
        LogConnected(chargePointId, protocol.Name);
        try
        {
            await Serve(connection, context.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The charge point went away; it reconnects and resends what it did not get an answer for.
        }
        finally
        {
            connection.Close();
            connections.Remove(chargePointId, socket);
            LogDisconnected(chargePointId);
        }
    }

    private async Task Serve(OcppConnection connection, CancellationToken cancellation)
    {
        var socket = connection.Socket;
        var buffer = new byte[8192];
        var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            message.SetLength(0);
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancellation);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellation);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > options.Value.MaxMessageBytes)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {options.Value.MaxMessageBytes} bytes", cancellation);
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (result.MessageType != WebSocketMessageType.Text)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "OCPP-J messages are text frames", cancellation);
                return;
            }

            var reply = await Process(connection, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            if (reply is not null)
            {
                await connection.Send(reply.Text, cancellation);
                if (reply.FollowUp is { SessionId: { } sessionId } followUp && options.Value.SendRunningCost)
                {
                    // After the answer, and not awaited: the charger's answer to our call arrives through this loop.
                    _ = SendCost(connection, followUp.Action, sessionId);
                }

                if (reply.After is { } after)
                {
                    // After the answer, and not awaited, as the running cost.
                    _ = AfterAnswer(connection, after);
                }

                if (reply.FollowUp is { Action: "BootNotification" })
                {
                    _ = smartCharging.OnBoot(connection);
                }

                if (reply.FollowUp is { Action: "BootNotification" or "Heartbeat" } liveness && options.Value.LocalListSync)
                {
                    _ = localList.Sync(connection, booted: liveness.Action == "BootNotification");
                }
            }
        }
    }

    /// <summary>The reply to a message, and the CALL it may lead to (the running cost after MeterValues).</summary>
    public sealed record Reply(string Text, (string Action, string? SessionId)? FollowUp = null, Func<OcppConnection, Task>? After = null)
    {
        public static implicit operator Reply(string text) => new(text);
    }

    private async Task AfterAnswer(OcppConnection connection, Func<OcppConnection, Task> after)
    {
        try
        {
            await after(connection);
        }
        catch (Exception e)
        {
            LogAfterFailed(e, connection.ChargePointId);
        }
    }

    private async Task SendCost(OcppConnection connection, string action, string sessionId)
    {
        try
        {
            if (await costNotifier.CostCall(connection, action, sessionId) is var (costAction, payload))
            {
                await connection.Call(costAction, payload);
            }
        }
        catch (Exception e)
        {
            LogCostNotSent(e, connection.ChargePointId);
        }
    }

    /// <summary>One incoming message to the reply to send (null: nothing to send).</summary>
    public async Task<Reply?> Process(OcppConnection connection, string text)
    {
        var chargePointId = connection.ChargePointId;
        switch (OcppFrameCodec.Read(text))
        {
            case OcppFrame.Malformed malformed:
                return malformed.Reply;
            case OcppFrame.Answer answer:
                if (!connection.Answer(answer))
                {
                    LogUnexpectedResponse(chargePointId, answer.MessageId);
                }

                return null;
            case OcppFrame.Call call:
                using (call)
                {
                    return await Process(connection, call);
                }

            default:
                throw new InvalidOperationException("unknown frame");
        }
    }

    private async Task<Reply?> Process(OcppConnection connection, OcppFrame.Call call)
    {
        var chargePointId = connection.ChargePointId;
        var (messageId, action) = (call.MessageId, call.Action);
        var protocol = connection.Protocol;

        if (!rateLimiter.TryAcquire(chargePointId))
        {
            // OCPP has no rate-limit error; the charge point keeps the message and retries it later.
            return CallError(messageId, OcppErrorCode.GenericError, $"more than {rateLimiter.Limit} messages per second from this charge point; retry later");
        }

        using var span = ChargeTelemetry.Source.StartActivity($"ocpp {action}", System.Diagnostics.ActivityKind.Server);
        span?.SetTag(ChargeTelemetry.ChargerIdTag, chargePointId);
        span?.SetTag("ocpp.action", action);
        var reply = await Dispatch(protocol, chargePointId, messageId, action, call.Payload);
        if (reply.Error is { } code)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, code);
            if (action == "MeterValues")
            {
                Telemetry.GatewayMetrics.Rejected("ocpp", code);
            }
        }

        return reply.Reply;
    }

    /// <summary>A CALL to its reply, and the CALLERROR code when it is refused.</summary>
    private async Task<(Reply Reply, string? Error)> Dispatch(OcppProtocol protocol, string chargePointId, string messageId, string action, System.Text.Json.JsonElement payload)
    {
        try
        {
            var handled = await centralSystem.Handle(protocol, chargePointId, action, payload);
            return (new Reply(OcppFrameCodec.CallResult(messageId, handled.ResultJson), (action, handled.SessionId), handled.After), null);
        }
        catch (OcppCallException e)
        {
            return Refused(messageId, e.Code, e.Message);
        }
        catch (ChargeException e)
        {
            // Unavailable: nothing was applied; a charger retries a transaction message answered with InternalError.
            return Refused(messageId, e.Kind switch
            {
                ChargeErrorKind.InvalidArgument => OcppErrorCode.PropertyConstraintViolation,
                ChargeErrorKind.Unavailable => OcppErrorCode.InternalError,
                ChargeErrorKind.PermissionDenied => OcppErrorCode.SecurityError,
                _ => OcppErrorCode.GenericError,
            }, e.Message);
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                                  || Services.ErrorMappingInterceptor.IsFromStorageClient(e))
        {
            return Refused(messageId, OcppErrorCode.InternalError, "the central system is unavailable; retry");
        }
        catch (Exception e)
        {
            LogFailed(e, chargePointId, action);
            return Refused(messageId, OcppErrorCode.InternalError, "internal error");
        }
    }

    private static (Reply, string?) Refused(string messageId, string code, string description) => (CallError(messageId, code, description), code);

    private static string CallError(string messageId, string code, string description) => OcppFrameCodec.CallError(messageId, code, description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId} connected over {Protocol}")]
    private partial void LogConnected(string chargePointId, string protocol);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId} disconnected")]
    private partial void LogDisconnected(string chargePointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId} answered {MessageId}, which no call of ours awaits")]
    private partial void LogUnexpectedResponse(string chargePointId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A follow-up call to {ChargePointId} failed")]
    private partial void LogAfterFailed(Exception e, string chargePointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running cost for {ChargePointId} not sent")]
    private partial void LogCostNotSent(Exception e, string chargePointId);

    [LoggerMessage(Level = LogLevel.Error, Message = "OCPP {Action} from {ChargePointId} failed")]
    private partial void LogFailed(Exception e, string chargePointId, string action);
}
