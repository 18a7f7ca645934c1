using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What a charge point tells the central system, whatever protocol it speaks: boot, status, liveness, transactions
/// and their readings, and its answers to our commands. OCPP 1.6, OCPP 2.0.1 and gRPC stations map to these calls (2.0.1 transactions, told as events, to
/// IChargerTransactions); the checks a message passes before it gets here are the adapters', the rules after it are the grain's.
/// </summary>
[Alias("charge.IChargerStation")]
public interface IChargerStation : IGrainWithStringKey
{
    /// <summary>OCPP BootNotification: records what the charge point says it is (vendor, model, firmware) and its liveness; returns the server's time.</summary>
    [Alias("Boot")]
    Task<DateTime> Boot(BootInfo boot);

    [Alias("ReportStatus")]
    Task<ChargerView> ReportStatus(StatusReport report);

    /// <summary>Records a heartbeat; returns the server's time (what OCPP's Heartbeat.conf carries).</summary>
    [Alias("Heartbeat")]
    Task<DateTime> Heartbeat(DateTime timestamp);

    /// <summary>Starts (or idempotently re-acknowledges) a session on a connector.</summary>
    [Alias("StartSession")]
    Task<SessionView> StartSession(StartSessionCommand command);

    /// <summary>OCPP StartTransaction: allocates this charger's next transaction ID; a retried start gets the same one.</summary>
    [Alias("StartTransaction")]
    Task<OcppTransaction> StartTransaction(OcppStart start);

    /// <summary>Accepts readings for one of this charger's active sessions and publishes them on the session's stream.</summary>
    [Alias("ReportMeterValues")]
    Task<MeterValuesAccepted> ReportMeterValues(string sessionId, ImmutableArray<MeterReading> readings);

    /// <summary>
    /// OCPP MeterValues, which the central system must accept: readings for an active session are counted; for a
    /// finished or unknown one they are recorded as anomalies, never as energy. Returns how many were counted.
    /// </summary>
    [Alias("ReportMeterValuesAccepting")]
    Task<int> ReportMeterValuesAccepting(string sessionId, ImmutableArray<MeterReading> readings);

    /// <summary>Stops one of this charger's sessions; returns once the session has its final record or is waiting for batches in flight.</summary>
    [Alias("StopSession")]
    Task<SessionView> StopSession(StopSessionCommand command);

    /// <summary>
    /// An external charging limit the charger reports (or clears): its sessions' maxima are lowered to it and the
    /// site's balancer gives the difference to the others.
    /// </summary>
    [Alias("ReportChargingLimit")]
    Task ReportChargingLimit(ExternalChargingLimit limit);

    /// <summary>A security event the charger reports: kept (the newest, bounded), counted and shown to operators.</summary>
    [Alias("ReportSecurityEvent")]
    Task ReportSecurityEvent(SecurityEvent securityEvent);

    /// <summary>The charger's answer to a SendLocalList of <paramref name="version"/> (Accepted, Failed, NotSupported, VersionMismatch).</summary>
    [Alias("LocalListAnswered")]
    Task LocalListAnswered(int version, string status);

    /// <summary>The charger's answer to the limit of <paramref name="allowanceW"/> (Accepted, Rejected, NotSupported, or a CALLERROR's code).</summary>
    [Alias("LimitAnswered")]
    Task LimitAnswered(string sessionId, string status, double allowanceW);
}
