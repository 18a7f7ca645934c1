using System.Text.Json;
using Charge.Gateway.Ocpp.Handlers;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.V201;

/// <summary>
/// TransactionEvent: a 2.0.1 transaction is the session "{station}~{transactionId}". Each event is read and bounded
/// here and handed to the charger (IChargerTransactions), which assembles the transaction whatever the events'
/// order: it opens the session once it has an accepted token and a start register (plug-in first: the token comes
/// later), passes readings on, and fixes the end once no event before it is missing. When the end waits for missing
/// events, the station is asked with GetTransactionStatus after the answer; when it has none queued, the end is fixed.
/// The answer carries idTokenInfo only when the event names a token, and the final cost in the Ended event's answer.
/// </summary>
public sealed class TransactionEvent201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<TransactionEvent201Handler.Event, TransactionEvent201Response>(time)
{
    /// <summary>The event as the domain reads it, and whether it named a token of type NoAuthorization (nobody).</summary>
    public sealed record Event(TransactionEventReport Report, bool NoAuthorization);

    public override string Action => "TransactionEvent";

    protected override Event Read(JsonElement payload)
    {
        var w = Bind<TransactionEventWire>(payload);
        var (readings, begin, end) = Ocpp201Reader.Readings(w.MeterValue, "TransactionEvent.meterValue", Now);
        if (w.SeqNo < 0 || w.SeqNo > int.MaxValue || decimal.Truncate(w.SeqNo) != w.SeqNo)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"TransactionEvent.seqNo {w.SeqNo} is not a sequence number (0 to {int.MaxValue})");
        }

        var kind = w.EventType switch
        {
            "Started" => TransactionEventKind.Started,
            "Updated" => TransactionEventKind.Updated,
            _ => TransactionEventKind.Ended,
        };
        return new Event(new TransactionEventReport(
            Services.RequestValidation.Id(w.TransactionInfo.TransactionId, "TransactionEvent.transactionInfo.transactionId"),
            kind,
            (int)w.SeqNo,
            OcppTime.Read(w.Timestamp, "TransactionEvent.timestamp", Now),
            w.Offline ?? false,
            w.Evse is { } evse ? Ocpp201Reader.Evse(evse.Id, "TransactionEvent.evse.id", allowZero: false) : null,
            Ocpp201Reader.IdTag(w.IdToken, "TransactionEvent.idToken"),
            readings, begin, end,
            w.TransactionInfo.StoppedReason), w.IdToken is { Type: "NoAuthorization" });
    }

    protected override string? SessionOf(string chargePointId, Event request) => SessionIds.Of(chargePointId, request.Report.TransactionId);

    protected override async Task<TransactionEvent201Response> Handle(string chargePointId, Event request)
    {
        var e = request.Report;
        var outcome = await grains.Reference<IChargerTransactions>(chargePointId).TransactionEvent(e);
        // idTokenInfo only when the event names a token; NoAuthorization names nobody, and nothing here charges without one.
        var info = request.NoAuthorization ? new IdTokenInfo201("Invalid")
            : outcome.Authorization is { } standing ? Ocpp201Reader.Info(standing)
            : null;
        var total = e.Kind == TransactionEventKind.Ended && outcome.Session is { Status: SessionStatus.Completed, Cost: { } cost }
            ? decimal.Round(cost.TotalRounded.InclVat, cost.MinorUnits)
            : (decimal?)null;
        return new TransactionEvent201Response(total, info) { AwaitingEvents = outcome.AwaitingEvents };
    }

    protected override Func<OcppConnection, Task>? After(string chargePointId, Event request, TransactionEvent201Response response) =>
        response.AwaitingEvents
            ? async connection =>
            {
                // The end came with events missing by their numbers: does the station still hold some?
                var answer = await connection.Call("GetTransactionStatus", JsonSerializer.Serialize(new { transactionId = request.Report.TransactionId }));
                using var status = JsonDocument.Parse(answer);
                if (!status.RootElement.GetProperty("messagesInQueue").GetBoolean())
                {
                    await grains.Reference<IChargerTransactions>(chargePointId).TransactionQueueEmpty(request.Report.TransactionId);
                }
            }
            : null;
}
