using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// The charger's record of starts it did not turn into sessions and of readings it could give to none: refused
/// starts (kept for the operator, a lost refusal answered again the same), readings of refused transactions
/// (dropped) and readings for no session (anomalies). Pure, over the charger's state.
/// </summary>
internal static class StartRecords
{
    /// <summary>The refusal of the same StartTransaction again, when the charger lost its answer.</summary>
    public static OcppTransaction? RepeatedRefusal(ChargerState state, OcppStart start) =>
        state.Refused.LastOrDefault() is { TransactionId: { } refusedId } refused
        && refusedId == state.LastTransactionId && refused.IdTag == start.IdTag && refused.ConnectorId == start.ConnectorId
        && refused.StationTimestamp == start.Timestamp && refused.MeterStartWh == start.MeterStartWh
            ? new OcppTransaction(refusedId, null, new TokenAuthorization(refused.Status, null, null, refused.Reason))
            : null;

    /// <summary>Whether the session ID is that of a transaction the registry refused (the charger reports it until it ends it).</summary>
    public static bool IsRefusedTransaction(ChargerState state, string chargerId, string sessionId) =>
        state.Refused.Any(r => r.TransactionId is { } refused && SessionIds.OfTransaction(chargerId, refused) == sessionId);

    /// <summary>Counts readings that reached the charger for no session it knows, keeping at most <paramref name="maxKept"/>.</summary>
    public static void Unknown(ChargerState state, string sessionId, ImmutableArray<MeterReading> readings, int maxKept)
    {
        foreach (var r in readings)
        {
            state.AnomalyCount++;
            Telemetry.GrainMetrics.Anomaly(AnomalyKind.UnknownSession);
            if (state.Anomalies.Count < maxKept)
            {
                state.Anomalies.Add(new MeterAnomaly(AnomalyKind.UnknownSession, r.Timestamp, r.EnergyWh, $"no session '{sessionId}' on this charger"));
            }
        }
    }
}
