using System.Collections.Immutable;
using System.Text.Json;
using Charge.Gateway.Ocpp.Handlers;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.V201;

/// <summary>A TransactionEvent as the domain reads it.</summary>
public sealed record TransactionEvent201(
    string EventType, DateTime Timestamp, string TriggerReason, long SeqNo, string TransactionId, int? Evse, string? IdTag, bool HasIdToken,
    ImmutableArray<MeterReading> Readings, decimal? BeginWh, decimal? EndWh, string? StoppedReason);

/// <summary>
/// TransactionEvent: a 2.0.1 transaction is the session "{station}~{transactionId}", driven through the same
/// IChargerStation calls as a 1.6 transaction: the first event that names a token and a register opens it (the
/// token registry decides; a refusal is answered in idTokenInfo and opens nothing), every event's meter values are
/// its readings (after its stop they are recorded as late, never as energy), and Ended stops it with the
/// Transaction.End register (else the event's last register, else the session's last). What is not handled yet
/// (docs/ocpp.md) is refused with a CALLERROR that says so, so nothing is acknowledged that is not kept.
/// </summary>
public sealed class TransactionEvent201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<TransactionEvent201, TransactionEvent201Response>(time)
{
    public override string Action => "TransactionEvent";

    protected override TransactionEvent201 Read(JsonElement payload)
    {
        var w = Bind<TransactionEventWire>(payload);
        var (readings, begin, end) = Ocpp201Reader.Readings(w.MeterValue, "TransactionEvent.meterValue", Now);
        if (w.SeqNo < 0 || w.SeqNo > int.MaxValue || decimal.Truncate(w.SeqNo) != w.SeqNo)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"TransactionEvent.seqNo {w.SeqNo} is not a sequence number (0 to {int.MaxValue})");
        }

        return new TransactionEvent201(
            w.EventType,
            Ocpp201Reader.Timestamp(w.Timestamp, "TransactionEvent.timestamp", Now),
            w.TriggerReason,
            (long)w.SeqNo,
            Services.RequestValidation.Id(w.TransactionInfo.TransactionId, "TransactionEvent.transactionInfo.transactionId"),
            w.Evse is { } evse ? Ocpp201Reader.Evse(evse.Id, "TransactionEvent.evse.id", allowZero: false) : null,
            Ocpp201Reader.IdTag(w.IdToken, "TransactionEvent.idToken"),
            w.IdToken is not null,
            readings, begin, end,
            w.TransactionInfo.StoppedReason);
    }

    protected override string? SessionOf(string chargePointId, TransactionEvent201 request) => SessionIds.Of(chargePointId, request.TransactionId);

    protected override async Task<TransactionEvent201Response> Handle(string chargePointId, TransactionEvent201 e)
    {
        var sessionId = SessionIds.Of(chargePointId, e.TransactionId);
        var station = grains.Reference<IChargerStation>(chargePointId);
        var view = await grains.Reference<ISessionGrain>(sessionId).GetView();
        IdTokenInfo201? info = null;
        if (view.Status == SessionStatus.None || view.ChargerId != chargePointId)
        {
            var opening = await Open(station, sessionId, chargePointId, e);
            if (opening.Session is null)
            {
                return new TransactionEvent201Response(IdTokenInfo: Ocpp201Reader.Info(opening.Refusal!));
            }

            view = opening.Session;
            info = new IdTokenInfo201("Accepted");
        }

        if (!e.Readings.IsEmpty)
        {
            await station.ReportMeterValuesAccepting(sessionId, e.Readings);
        }

        if (e.EventType == "Ended")
        {
            view = await Stop(station, sessionId, e, view) ?? view;
        }

        if (e.HasIdToken && info is null)
        {
            info = e.IdTag is { } tag && tag != view.IdTag ? Ocpp201Reader.Info(await grains.GetGrain<ITokenGrain>(tag).Authorize()) : new IdTokenInfo201("Accepted");
        }

        // The final cost goes in the Ended event's answer (2.0.1 has no FinalCost message).
        var total = e.EventType == "Ended" && view is { Status: SessionStatus.Completed, Cost: { } cost } ? decimal.Round(cost.TotalRounded.InclVat, cost.MinorUnits) : (decimal?)null;
        return new TransactionEvent201Response(total, e.HasIdToken ? info : null);
    }

    /// <summary>The first event of a transaction opens its session when it names a token, an EVSE and a register.</summary>
    private static async Task<SessionOpening> Open(IChargerStation station, string sessionId, string chargePointId, TransactionEvent201 e)
    {
        if (e.IdTag is not { } idTag)
        {
            throw new OcppCallException(OcppErrorCode.NotSupported,
                $"transaction {e.TransactionId} has no idToken yet: a transaction started before authorization (plug-in first) is not supported yet; authorize first");
        }

        if (e.Evse is not { } evse)
        {
            throw new OcppCallException(OcppErrorCode.OccurenceConstraintViolation, $"TransactionEvent.evse is required on the first event of transaction {e.TransactionId}");
        }

        if ((e.BeginWh ?? (e.Readings.IsEmpty ? null : e.Readings.MinBy(r => r.Timestamp)!.EnergyWh)) is not { } startWh)
        {
            throw new OcppCallException(OcppErrorCode.OccurenceConstraintViolation,
                $"TransactionEvent.meterValue: the first event of transaction {e.TransactionId} carries no energy register to start from (sample Energy.Active.Import.Register at Transaction.Begin)");
        }

        return await station.OpenSession(new StartSessionCommand(sessionId, chargePointId, evse, idTag, startWh, e.Timestamp));
    }

    /// <summary>Stops the session at the Transaction.End register; a stop it already has (a repeated Ended) is answered as it stands.</summary>
    private static async Task<SessionView?> Stop(IChargerStation station, string sessionId, TransactionEvent201 e, SessionView view)
    {
        var stopWh = e.EndWh ?? (e.Readings.IsEmpty ? view.LastRegisterWh : e.Readings.MaxBy(r => r.Timestamp)!.EnergyWh);
        try
        {
            return await station.StopSession(new StopSessionCommand(sessionId, stopWh, e.Timestamp, e.StoppedReason ?? "Local"));
        }
        catch (ChargeException ex) when (ex.Kind is ChargeErrorKind.NotFound or ChargeErrorKind.FailedPrecondition)
        {
            // An unknown or different stop: the station cannot do anything about it and would retry forever.
            return null;
        }
    }
}
