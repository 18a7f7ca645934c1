using System.Text.Json.Nodes;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>StopTransaction: its transaction data, then the stop with the charger's own register.</summary>
public sealed class StopTransactionHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<StopTransactionRequest, StopTransactionResponse>(time)
{
    public override string Action => "StopTransaction";

    protected override StopTransactionRequest Read(JsonObject payload) => OcppRequestReader.StopTransaction(payload, Now);

    protected override async Task<StopTransactionResponse> Handle(string chargePointId, StopTransactionRequest request)
    {
        var sessionId = SessionIds.OfTransaction(chargePointId, request.TransactionId);
        var charger = grains.Reference<IChargerGrain>(chargePointId);
        if (!request.TransactionData.IsEmpty)
        {
            await charger.ReportMeterValuesAccepting(sessionId, request.TransactionData);
        }

        try
        {
            await charger.StopSession(new StopSessionCommand(sessionId, request.MeterStop, request.Timestamp, request.Reason));
        }
        catch (ChargeException e) when (e.Kind is ChargeErrorKind.NotFound or ChargeErrorKind.FailedPrecondition)
        {
            // An unknown, refused or already different stop: the charge point cannot do anything about it and would
            // retry forever, so it is accepted, as the spec expects.
        }

        // The stop is taken whatever the tag's standing (a tag blocked during a session lets it finish); the
        // idTagInfo tells the charger how the tag stands now.
        return new(request.IdTag is null ? null : IdTagInfo.From(await grains.GetGrain<ITokenGrain>(request.IdTag).Authorize()));
    }
}
