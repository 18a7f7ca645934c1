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
            SessionId: OptionalId(request.SessionId, "session_id") ?? Guid.CreateVersion7().ToString("N"),
            ChargerId: chargerId,
            ConnectorId: Connector(request.ConnectorId, "connector_id"),
            IdTag: Id(request.IdTag, "id_tag"),
            MeterStartWh: EnergyWh(request.MeterStartWh, "meter_start_wh"),
            Timestamp: Timestamp(request.Timestamp, "timestamp", now));
        var view = await grains.GetGrain<IChargerGrain>(chargerId).StartSession(command);
        return view.ToApi(Now);
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<ReportMeterValuesResponse> ReportMeterValues(ReportMeterValuesRequest request, ServerCallContext context)
    {
        var now = Now;
        var chargerId = Charger(request.ChargerId, context);
        var sessionId = Id(request.SessionId, "session_id");
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

        var accepted = await grains.GetGrain<IChargerGrain>(chargerId).ReportMeterValues(sessionId, readings.MoveToImmutable());
        return new ReportMeterValuesResponse { SessionId = accepted.SessionId, Accepted = accepted.Accepted };
    }

    /// <summary>A charger stops its own sessions; a driver the sessions of their id_tags (from the app); an operator any.</summary>
    [Authorize(Policy = ChargeRoles.Policies.ChargerDriverOrOperator)]
    public override async Task<Session> StopSession(StopSessionRequest request, ServerCallContext context)
    {
        var now = Now;
        var sessionId = Id(request.SessionId, "session_id");
        var command = new StopSessionCommand(
            sessionId,
            EnergyWh(request.MeterStopWh, "meter_stop_wh"),
            Timestamp(request.Timestamp, "timestamp", now),
            request.Reason.Length <= 64 ? request.Reason : throw Invalid("reason is longer than 64 characters"));

        var session = grains.GetGrain<ISessionGrain>(sessionId);
        var caller = context.Caller();
        var named = OptionalId(request.ChargerId, "charger_id") ?? caller.ChargerId();
        string chargerId;
        if (caller.ChargerId() is not null)
        {
            // A station names itself; its charger grain refuses sessions that are not its own.
            chargerId = Charger(named!, context);
        }
        else
        {
            // An app stopping by session: the session knows its charger, and whose it is.
            var existing = await session.GetView();
            if (existing.Status == SessionStatus.None)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"session '{sessionId}' does not exist"));
            }

            Access.EnsureMayRead(caller, existing);
            chargerId = existing.ChargerId;
        }

        var view = await grains.GetGrain<IChargerGrain>(chargerId).StopSession(command);
        if (view.Status == SessionStatus.Stopping)
        {
            view = await session.WaitForCompletion(options.Value.StopWait);
        }

        return view.ToApi(Now);
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<Charger> ReportStatus(ReportStatusRequest request, ServerCallContext context)
    {
        var chargerId = Charger(request.ChargerId, context);
        var report = new StatusReport(
            Connector(request.ConnectorId, "connector_id", allowWholeCharger: true),
            request.Status.ToDomain(),
            request.ErrorCode.Length <= 50 ? request.ErrorCode : throw Invalid("error_code is longer than 50 characters"),
            Timestamp(request.Timestamp, "timestamp", Now));
        var view = await grains.GetGrain<IChargerGrain>(chargerId).ReportStatus(report);
        return view.ToApi();
    }

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var chargerId = Charger(request.ChargerId, context);
        var stationTime = request.Timestamp is null ? Now : Timestamp(request.Timestamp, "timestamp", Now);
        var serverTime = await grains.GetGrain<IChargerGrain>(chargerId).Heartbeat(stationTime);
        return new HeartbeatResponse { CurrentTime = Mapping.Ts(serverTime) };
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static DomainMeterReading ToDomain(ApiMeterReading r, string field, DateTime now) => new(
        Timestamp(r.Timestamp, $"{field}.timestamp", now),
        EnergyWh(r.EnergyWh, $"{field}.energy_wh"),
        NonNegative(r.HasPowerW, r.PowerW, $"{field}.power_w", 10_000_000),
        NonNegative(r.HasCurrentA, r.CurrentA, $"{field}.current_a", 10_000),
        NonNegative(r.HasSocPercent, r.SocPercent, $"{field}.soc_percent", 100));
}
