using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Sessions;

/// <summary>What a session shows its callers, built from its state.</summary>
internal static class SessionViews
{
    /// <param name="liveCost">The running cost for the account (a completed session shows its final cost instead).</param>
    public static SessionView Build(string sessionId, SessionState s, string zoneId, Func<EnergyAccount, CostBreakdown?> liveCost)
    {
        if (s.Status == SessionStatus.None)
        {
            return new SessionView { SessionId = sessionId, ChargerId = "", IdTag = "", Status = SessionStatus.None };
        }

        var account = new EnergyAccount(s.Points, s.Register);
        var completed = s.Status == SessionStatus.Completed;
        return new SessionView
        {
            SessionId = sessionId,
            ChargerId = s.ChargerId,
            ConnectorId = s.ConnectorId,
            IdTag = s.IdTag,
            Status = s.Status,
            StartedAt = s.StartedAt,
            StoppedAt = s.StoppedAt,
            MeterStartWh = s.MeterStartWh,
            MeterStopWh = s.MeterStopWh,
            LastRegisterWh = completed && s.MeterStopWh is { } stop ? stop : account.ChargerRegister(account.Last),
            EnergyWh = account.EnergyWh,
            LastReadingAt = s.LastReadingAt,
            LastPowerW = s.LastPowerW,
            LastCurrentA = s.LastCurrentA,
            LastSocPercent = s.LastSocPercent,
            StopReason = s.StopReason,
            Slots = completed ? [.. s.Slots] : account.Slots(),
            Anomalies = [.. s.Anomalies],
            AnomalyCount = s.AnomalyCount,
            ReadingCount = s.ReadingCount,
            Version = s.Version,
            Tariff = s.Tariff,
            Cost = completed ? s.FinalCost : liveCost(account),
            SiteId = s.SiteId,
            TimeZone = zoneId,
            InvoiceNumber = s.Invoiced ? s.InvoiceNumber : null,
            Billed = s.Invoiced,
            ClosedBy = s.ClosedBy,
            ClosedAt = s.ClosedAt,
            MaxPowerW = s.Register.MaxPowerW,
            CustomerId = s.CustomerId,
            CreditNoteNumber = s.CreditNoteNumber,
            Review = s.Review,
        };
    }
}

/// <summary>
/// A running session's cost up to its last reading. The charging periods are extended as readings arrive in order
/// and rebuilt after a late one, so a batch does not convert the whole curve again.
/// </summary>
internal sealed class LiveCost
{
    private List<ChargingPeriod>? _periods;
    private int _endPoint;

    /// <summary>A reading arrived before the last one: the periods are rebuilt at the next price.</summary>
    public void Reset() => _periods = null;

    public CostBreakdown? Price(Tariff? tariff, EnergyAccount account)
    {
        if (tariff is null)
        {
            return null;
        }

        if (_periods is null)
        {
            _periods = SessionPeriods.FromPoints(account.Points);
        }
        else
        {
            SessionPeriods.Append(account.Points, _endPoint + 1, _periods);
        }

        _endPoint = account.Points.Count - 1;
        return Telemetry.GrainMetrics.Priced("live", () => PricingEngine.Price(tariff, _periods, account.Last.Timestamp)) with { Periods = [] };
    }
}
