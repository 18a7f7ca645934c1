using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Sessions;

/// <summary>
/// The rules of a session's own record, kept apart from the grain: what a start writes, which repeated start or stop
/// is the same request again, and what a completed record keeps. Pure: the grain writes and tells.
/// </summary>
internal static class SessionRecord
{
    /// <summary>Refuses a start that reuses this session's ID for something else; the same start again is answered.</summary>
    public static void CheckRepeatedStart(string sessionId, SessionState state, StartSessionCommand command)
    {
        if (state.ChargerId != command.ChargerId)
        {
            throw ChargeException.AlreadyExists($"session_id '{sessionId}' is already in use on another charger");
        }

        if (state.ConnectorId != command.ConnectorId || state.IdTag != command.IdTag
            || state.MeterStartWh != command.MeterStartWh || state.StartedAt != command.Timestamp)
        {
            throw ChargeException.AlreadyExists(
                $"session_id '{sessionId}' was already started with different connector_id, id_tag, meter_start_wh or timestamp");
        }
    }

    /// <summary>Whether a stop of a stopped session is the same stop again (stations retry after a lost answer).</summary>
    public static bool IsRepeatedStop(string sessionId, SessionState state, StopSessionCommand command) =>
        state.MeterStopWh == command.MeterStopWh && (state.StopSentAt ?? state.StoppedAt) == command.Timestamp
            ? true
            : throw ChargeException.FailedPrecondition(
                $"session '{sessionId}' was already stopped at {state.StoppedAt:O} with meter_stop_wh {state.MeterStopWh}");

    /// <summary>Writes what a start fixes: who, where, the opening register, the terms the charger decided.</summary>
    public static void Begin(SessionState state, StartSessionCommand command, SessionTerms terms, Tariff? tariff)
    {
        state.Status = SessionStatus.Active;
        state.ChargerId = command.ChargerId;
        state.ConnectorId = command.ConnectorId;
        state.IdTag = command.IdTag;
        state.StartedAt = command.Timestamp;
        state.MeterStartWh = command.MeterStartWh;
        state.Points = EnergyAccount.Begin(command.Timestamp, command.MeterStartWh);
        state.Register = new RegisterState { MaxPowerW = terms.MaxPowerW };
        state.Tariff = terms.Tariff;
        state.SiteId = terms.SiteId;
        state.CustomerId = terms.CustomerId;
        // Local times (invoices, CDRs, reports) are told in the site's zone, else the tariff's, fixed at start.
        state.SiteTimeZone = terms.TimeZone ?? tariff?.TimeZone;
    }

    /// <summary>The charger's stop: the session waits for the batches published before it (up to <paramref name="awaitedSequence"/>).</summary>
    public static void BeginStop(SessionState state, StopSessionCommand command, long awaitedSequence)
    {
        state.Status = SessionStatus.Stopping;
        state.StoppedAt = command.Timestamp;
        state.MeterStopWh = command.MeterStopWh;
        state.StopReason = command.Reason;
        state.AwaitedSequence = awaitedSequence;
    }

    /// <summary>
    /// Fixes the completed record: the curve closed at the stop (unless a close already ended it), energy per slot,
    /// the final price from the whole curve under the version pinned at start, and only the curve's ends kept.
    /// </summary>
    public static void Complete(SessionState state, EnergyAccount account, Tariff? tariff, bool closeCurve)
    {
        if (closeCurve)
        {
            account.Close(state.StoppedAt!.Value, state.MeterStopWh!.Value);
            if (state.StoppedAt < state.StartedAt)
            {
                // A stop stamped before the start ends at the last accepted reading (StopBeforeStart): durations on the
                // invoice, the CSV and the CDR are never negative.
                state.StopSentAt = state.StoppedAt;
                state.StoppedAt = account.Last.Timestamp;
            }
        }

        state.Slots = [.. account.Slots()];
        state.FinalCost = tariff is null ? null
            : Telemetry.GrainMetrics.Priced("final", () => PricingEngine.Price(tariff, SessionPeriods.FromPoints(account.Points), account.Last.Timestamp));
        state.Points = [account.Start, account.Last];
        state.Status = SessionStatus.Completed;
    }

    /// <summary>Counts an anomaly and keeps its detail while fewer than <paramref name="maxKept"/> are kept.</summary>
    public static void RecordAnomaly(SessionState state, MeterAnomaly anomaly, int maxKept)
    {
        state.AnomalyCount++;
        if (state.Anomalies.Count < maxKept)
        {
            state.Anomalies.Add(anomaly);
        }
    }

    /// <summary>
    /// Ends a session the charger did not stop (an operator, a superseding start, the abandoned sweep): a running
    /// session ends at its last accepted register; a stopping one keeps the charger's stop. The record is then fixed.
    /// </summary>
    public static bool Close(SessionState state, EnergyAccount account, CloseSessionCommand command)
    {
        var stopping = state.Status == SessionStatus.Stopping;
        if (!stopping)
        {
            account.CloseAtLastRegister(
                $"closed without the charger's stop ({command.Reason}, by {command.ClosedBy} at {command.ClosedAt:O}): energy to the last accepted register");
            state.StoppedAt = account.Last.Timestamp;
            state.MeterStopWh = account.ChargerRegister(account.Last);
        }

        state.Status = SessionStatus.Stopping;
        state.StopReason = state.StopReason.Length > 0 ? state.StopReason : command.Reason;
        state.ClosedBy = command.ClosedBy;
        state.ClosedAt = command.ClosedAt;
        // A closed running session's curve is closed already; a stopping one still needs its stop applied.
        return stopping;
    }
}
