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
