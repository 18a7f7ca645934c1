using System.Globalization;
using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The California Pricing message that follows a MeterValues or StopTransaction of a priced session. RunningCost
/// carries the cost so far (incl. VAT, up to the last reading the session has taken in) and the register;
/// FinalCost the fixed price once the session is completed.
/// </summary>
public sealed class OcppCostNotifier(IGrainFactory grains)
{
    /// <summary>The DataTransfer to send after <paramref name="action"/>, or null (not a transaction's message, no price).</summary>
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

    private sealed record FinalCost(int TransactionId, decimal Cost, string PriceText);

    private sealed record RunningCost(int TransactionId, string Timestamp, decimal MeterValue, decimal Cost, string State);
}
