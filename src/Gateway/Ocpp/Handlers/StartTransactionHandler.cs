using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>
/// StartTransaction: a session "{chargePointId}~{transactionId}" starts when the token registry accepts the tag; a
/// refused tag gets its idTagInfo status (Blocked, Expired, Invalid, ConcurrentTx) and a transaction ID that names no
/// session. A repeated start gets the same transaction.
/// </summary>
public sealed class StartTransactionHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<StartTransactionRequest, StartTransactionResponse>(time)
{
    public override string Action => "StartTransaction";

    protected override StartTransactionRequest Read(JsonElement payload) => OcppRequestReader.StartTransaction(Bind<StartTransactionWire>(payload), Now);

    protected override async Task<StartTransactionResponse> Handle(string chargePointId, StartTransactionRequest request)
    {
        var transaction = await grains.Reference<IChargerStation>(chargePointId)
            .StartTransaction(new OcppStart(request.ConnectorId, request.IdTag, request.MeterStart, request.Timestamp));
        return new StartTransactionResponse(transaction.TransactionId,
            transaction.Authorization is { } refusal ? IdTagInfo.From(refusal) : IdTagInfo.Accepted);
    }
}
