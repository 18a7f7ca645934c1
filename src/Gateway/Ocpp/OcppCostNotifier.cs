using System.Globalization;
using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The running cost a priced session's charger shows, sent after the answer to a transaction's message. OCPP 2.0.1
/// has its own message, CostUpdated (the final cost goes in the Ended event's answer); over OCPP 1.6 it is the
/// California Pricing DataTransfer: RunningCost with the cost so far (incl. VAT, up to the last reading the session
/// has taken in) and the register, FinalCost the fixed price once the session is completed.
/// </summary>
public sealed class OcppCostNotifier(IGrainFactory grains)
{
    /// <summary>The CALL to send after <paramref name="action"/> of <paramref name="sessionId"/>, or null (not a transaction's message, no price).</summary>
    public async Task<(string Action, string Payload)?> CostCall(OcppConnection connection, string action, string sessionId)
    {
        if (connection.Protocol == OcppProtocol.V201)
        {
            return action == "TransactionEvent" && SessionIds.LocalOf(connection.ChargePointId, sessionId) is { } transaction
                && await grains.Reference<ISessionGrain>(sessionId).GetView() is { Status: SessionStatus.Active, Cost: { } running } view && view.ChargerId == connection.ChargePointId
                ? ("CostUpdated", JsonSerializer.Serialize(new CostUpdated(decimal.Round(running.TotalRounded.InclVat, running.MinorUnits), transaction), OcppJson.Options))
                : null;
        }

        return SessionIds.TransactionOf(connection.ChargePointId, sessionId) is { } tx && await CostMessage(connection.ChargePointId, action, tx) is { } message
            ? ("DataTransfer", JsonSerializer.Serialize(message, OcppJson.Options))
            : null;
    }

    /// <summary>The OCPP 1.6 DataTransfer to send after <paramref name="action"/>, or null (not a transaction's message, no price).</summary>
    public async Task<CostDataTransfer?> CostMessage(string chargePointId, string action, int transactionId)
    {
        if (action is not ("MeterValues" or "StopTransaction"))
        {
            return null;
        }

        var session = grains.Reference<ISessionGrain>(SessionIds.OfTransaction(chargePointId, transactionId));
        var view = action == "StopTransaction" ? await session.WaitForCompletion(TimeSpan.FromSeconds(5)) : await session.GetView();
        if (view.Cost is not { } cost || view.ChargerId != chargePointId)
        {
            return null;
        }

        var total = decimal.Round(cost.TotalRounded.InclVat, cost.MinorUnits);
        var completed = view.Status == SessionStatus.Completed;
        object data = completed
            ? new FinalCost(transactionId, total, $"{total.ToString(CultureInfo.InvariantCulture)} {cost.Currency}")
            : new RunningCost(transactionId, OcppTime.Format(view.LastReadingAt ?? view.StartedAt), view.LastRegisterWh, total, "Charging");
        return new CostDataTransfer("org.openchargealliance.costmsg", completed ? "FinalCost" : "RunningCost",
            JsonSerializer.Serialize(data, OcppJson.Options));
    }

    private sealed record CostUpdated(decimal TotalCost, string TransactionId);

    private sealed record FinalCost(int TransactionId, decimal Cost, string PriceText);

    private sealed record RunningCost(int TransactionId, string Timestamp, decimal MeterValue, decimal Cost, string State);
}
