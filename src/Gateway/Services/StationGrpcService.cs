using System.Collections.Immutable;
using Charge.Api.V1;
using Charge.Gateway.Hosting;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using static Charge.Gateway.Services.RequestValidation;
using ApiMeterReading = Charge.Api.V1.MeterReading;
using DomainMeterReading = Charge.Grains.Interfaces.MeterReading;

namespace Charge.Gateway.Services;

/// <summary>The station API: validates, calls the charger grain, maps the answer. Callers are registered chargers acting for themselves.</summary>
public sealed class StationGrpcService(IGrainFactory grains, TimeProvider time, IOptions<GatewayOptions> options, ChargerRateLimiter rateLimiter)
    : StationService.StationServiceBase
{
    /// <summary>
    /// Validates the charger ID, checks the caller is that charger, and spends one of its requests; a charger over
    /// its rate gets ResourceExhausted.
    /// </summary>
    private string Charger(string chargerId, ServerCallContext context)
    {
        var id = Id(chargerId, "charger_id");
        Access.EnsureSelf(context.Caller(), id);
        return rateLimiter.TryAcquire(id)
            ? id
            : throw new RpcException(new Status(StatusCode.ResourceExhausted, $"charger '{id}' exceeds {rateLimiter.Limit} requests per second; retry later"));
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<Session> StartSession(StartSessionRequest request, ServerCallContext context)
    {
        var now = Now;
        var chargerId = Charger(request.ChargerId, context);
        var command = new StartSessionCommand(
            SessionId: OptionalSessionId(request.SessionId, "session_id") ?? SessionIds.NewLocal(now),
            ChargerId: chargerId,
            ConnectorId: Connector(request.ConnectorId, "connector_id"),
            IdTag: Id(request.IdTag, "id_tag"),
            MeterStartWh: EnergyWh(request.HasMeterStartWh, request.MeterStartWh, "meter_start_wh"),
            Timestamp: Timestamp(request.Timestamp, "timestamp", now));
        var view = await grains.Reference<IChargerGrain>(chargerId).StartSession(command);
        return view.ToApi(Now);
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<ReportMeterValuesResponse> ReportMeterValues(ReportMeterValuesRequest request, ServerCallContext context)
    {
        // gRPC proper, or REST through the JSON transcoding of the same method.
        var transport = context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true ? "grpc" : "rest";
        try
        {
            var response = await AcceptMeterValues(request, context);
            Telemetry.GatewayMetrics.Accepted(transport, response.Accepted);
            return response;
        }
        catch (Exception e)
        {
            Telemetry.GatewayMetrics.Rejected(transport, e switch
            {
                RpcException rpc => rpc.StatusCode.ToString(),
                ChargeException charge => charge.Kind.ToString(),
                _ => "Internal",
            });
            throw;
        }
    }

    private async Task<ReportMeterValuesResponse> AcceptMeterValues(ReportMeterValuesRequest request, ServerCallContext context)
    {
        var now = Now;
        var chargerId = Charger(request.ChargerId, context);
        var sessionId = SessionId(request.SessionId, "session_id");
        if (request.Readings.Count == 0)
        {
            throw Invalid("readings must hold at least one reading");
        }

        if (request.Readings.Count > MaxReadingsPerCall)
        {
            throw Invalid($"readings holds {request.Readings.Count} readings; at most {MaxReadingsPerCall} per call");
        }

        var readings = ImmutableArray.CreateBuilder<DomainMeterReading>(request.Readings.Count);
        for (var i = 0; i < request.Readings.Count; i++)
        {
            readings.Add(ToDomain(request.Readings[i], $"readings[{i}]", now));
        }

        var accepted = await grains.Reference<IChargerGrain>(chargerId).ReportMeterValues(sessionId, readings.MoveToImmutable());
        return new ReportMeterValuesResponse { SessionId = accepted.SessionId, Accepted = accepted.Accepted };
    }

    /// <summary>
    /// A charger reports the stop of its own session with its register. Only the charger does: a driver or operator
    /// asks it to stop (SessionService.RequestStop) or force-closes a zombie (ForceCloseSession).
    /// </summary>
    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<Session> StopSession(StopSessionRequest request, ServerCallContext context)
    {
        var now = Now;
        var sessionId = SessionId(request.SessionId, "session_id");
        var chargerId = Charger(OptionalId(request.ChargerId, "charger_id") ?? context.Caller().ChargerId() ?? "", context);
        var command = new StopSessionCommand(
            sessionId,
            EnergyWh(request.HasMeterStopWh, request.MeterStopWh, "meter_stop_wh"),
            Timestamp(request.Timestamp, "timestamp", now),
            Text(request.Reason, "reason", Limits.MaxStopReasonLength));

        var view = await grains.Reference<IChargerGrain>(chargerId).StopSession(command);
        if (view.Status == SessionStatus.Stopping)
        {
            view = await grains.Reference<ISessionGrain>(view.SessionId).WaitForCompletion(options.Value.StopWait);
        }

        return view.ToApi(Now);
    }

    /// <summary>
    /// The station's command stream: the gateway registers an observer with the charger grain (renewed, since the
    /// grain may move) and writes each command the grain delivers to the stream until the station hangs up.
    /// </summary>
    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task ReceiveCommands(ReceiveCommandsRequest request, IServerStreamWriter<Api.V1.StationCommand> responseStream, ServerCallContext context)
    {
        var chargerId = Charger(request.ChargerId, context);
        var charger = grains.Reference<IChargerGrain>(chargerId);
        var commands = System.Threading.Channels.Channel.CreateBounded<Grains.Interfaces.StationCommand>(64);
        var channel = new StationCommandChannel(commands.Writer);
        await using var subscription = Hosting.ObserverSubscription<IStationCommandChannel>.Create(grains, channel, charger.AttachStation, charger.DetachStation);
        try
        {
            await charger.AttachStation(subscription.Reference);
            subscription.StartRenewing(ChannelRenewal.Every, time);
            try
            {
                await foreach (var command in commands.Reader.ReadAllAsync(context.CancellationToken))
                {
                    var message = new Api.V1.StationCommand { CommandId = command.CommandId };
                    if (command.Kind == StationCommandKind.SetLimit)
                    {
                        message.SetLimit = new SetLimit { SessionId = command.SessionId, ConnectorId = command.ConnectorId, LimitW = command.LimitW ?? 0 };
                    }
                    else
                    {
                        message.RemoteStop = new RemoteStop { SessionId = command.SessionId, ConnectorId = command.ConnectorId };
                    }

                    await responseStream.WriteAsync(message, context.CancellationToken);
                }
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                // The station hung up.
            }
        }
        finally
        {
            commands.Writer.TryComplete();
        }
    }

    private sealed class StationCommandChannel(System.Threading.Channels.ChannelWriter<Grains.Interfaces.StationCommand> writer) : IStationCommandChannel
    {
        public Task<bool> Deliver(Grains.Interfaces.StationCommand command) => Task.FromResult(writer.TryWrite(command));

        public Task Revoked(string reason)
        {
            // The stream's reader ends with this status: the station sees Unauthenticated and reconnects with its new secret.
            writer.TryComplete(new RpcException(new Status(StatusCode.Unauthenticated, reason)));
            return Task.CompletedTask;
        }
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<Charger> ReportStatus(ReportStatusRequest request, ServerCallContext context)
    {
        var chargerId = Charger(request.ChargerId, context);
        var report = new StatusReport(
            Connector(request.ConnectorId, "connector_id", allowWholeCharger: true),
            request.Status.ToDomain(),
            request.ErrorCode.Length <= Limits.MaxErrorCodeLength ? request.ErrorCode : throw Invalid($"error_code is longer than {Limits.MaxErrorCodeLength} characters"),
            Timestamp(request.Timestamp, "timestamp", Now));
        var view = await grains.Reference<IChargerGrain>(chargerId).ReportStatus(report);
        return view.ToApi();
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var chargerId = Charger(request.ChargerId, context);
        var stationTime = request.Timestamp is null ? Now : Timestamp(request.Timestamp, "timestamp", Now);
        var serverTime = await grains.Reference<IChargerGrain>(chargerId).Heartbeat(stationTime);
        return new HeartbeatResponse { CurrentTime = Mapping.Ts(serverTime) };
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static DomainMeterReading ToDomain(ApiMeterReading r, string field, DateTime now) => new(
        Timestamp(r.Timestamp, $"{field}.timestamp", now),
        EnergyWh(r.HasEnergyWh, r.EnergyWh, $"{field}.energy_wh"),
        r.HasPowerW ? Measured(r.PowerW, Limits.MaxPowerW, "W", $"{field}.power_w") : null,
        r.HasCurrentA ? Measured(r.CurrentA, Limits.MaxCurrentA, "A", $"{field}.current_a") : null,
        r.HasSocPercent ? (ReadingRules.SocPercent(r.SocPercent) is { } soc ? throw Invalid($"{field}.soc_percent {soc}") : r.SocPercent) : null);

    /// <summary>Power or current by the readings' one rule set (a negative reads as 0); InvalidArgument naming the field otherwise.</summary>
    private static double Measured(double value, double max, string unit, string field)
    {
        var read = ReadingRules.Measured(value, max, unit, out var problem);
        return problem is null ? read : throw Invalid($"{field} {problem}");
    }
}
