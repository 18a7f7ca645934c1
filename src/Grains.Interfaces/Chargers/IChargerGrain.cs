using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A charge point, keyed by its charger ID: connectors, their sessions, heartbeat; the entry point for station traffic.</summary>
[Alias("charge.IChargerGrain")]
public interface IChargerGrain : IGrainWithStringKey
{
    /// <summary>Starts (or idempotently re-acknowledges) a session on a connector.</summary>
    [Alias("StartSession")]
    Task<SessionView> StartSession(StartSessionCommand command);

    /// <summary>Accepts readings for one of this charger's active sessions and publishes them on the session's stream.</summary>
    [Alias("ReportMeterValues")]
    Task<MeterValuesAccepted> ReportMeterValues(string sessionId, ImmutableArray<MeterReading> readings);

    /// <summary>Stops one of this charger's sessions; returns once the session has its final record or is waiting for batches in flight.</summary>
    [Alias("StopSession")]
    Task<SessionView> StopSession(StopSessionCommand command);

    /// <summary>OCPP StartTransaction: allocates this charger's next transaction ID; a retried start gets the same one.</summary>
    [Alias("StartTransaction")]
    Task<OcppTransaction> StartTransaction(OcppStart start);

    /// <summary>
    /// OCPP MeterValues, which the central system must accept: readings for an active session are counted; for a
    /// finished or unknown one they are recorded as anomalies, never as energy. Returns how many were counted.
    /// </summary>
    [Alias("ReportMeterValuesAccepting")]
    Task<int> ReportMeterValuesAccepting(string sessionId, ImmutableArray<MeterReading> readings);

    /// <summary>The gateway holding this charger's OCPP socket registers (and renews) its channel.</summary>
    [Alias("AttachOcpp")]
    Task AttachOcpp(IOcppChannel channel);

    [Alias("DetachOcpp")]
    Task DetachOcpp(IOcppChannel channel);

    /// <summary>
    /// Sends an OCPP CALL to the charger and returns its answer's payload (JSON). FailedPrecondition when the
    /// charger is not connected over OCPP or answers with a CALLERROR. Interleaves: waiting for the charger must
    /// not hold up its readings.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("SendOcpp")]
    Task<string> SendOcpp(string action, string payloadJson);

    [Alias("ReportStatus")]
    Task<ChargerView> ReportStatus(StatusReport report);

    /// <summary>Records a heartbeat; returns the server's time (what OCPP's Heartbeat.conf carries).</summary>
    [Alias("Heartbeat")]
    Task<DateTime> Heartbeat(DateTime timestamp);

    /// <summary>OCPP BootNotification: records what the charge point says it is (vendor, model, firmware) and its liveness; returns the server's time.</summary>
    [Alias("Boot")]
    Task<DateTime> Boot(BootInfo boot);

    /// <summary>
    /// Decommissions the charger: its credential is revoked (it can no longer connect or report), it leaves its site
    /// and the fleet list, and its sessions and history stay. FailedPrecondition while sessions run on it.
    /// Registering it again recommissions it.
    /// </summary>
    [Alias("Deregister")]
    Task<ChargerView> Deregister();

    /// <summary>Time online and not faulted in [from, to), counted from its registration.</summary>
    [Alias("GetAvailability")]
    Task<AvailabilityView> GetAvailability(DateTime from, DateTime to);

    /// <summary>
    /// What to send to bring the charger's local authorization list up to the token registry, or null (up to date,
    /// or the charger has none). <paramref name="heldVersion"/>: what GetLocalListVersion answered after a (re)boot,
    /// -1 when the charger has no list; null when not asked.
    /// </summary>
    [Alias("PlanLocalList")]
    Task<LocalListUpdate?> PlanLocalList(int? heldVersion);

    /// <summary>The charger's answer to a SendLocalList of <paramref name="version"/> (Accepted, Failed, NotSupported, VersionMismatch).</summary>
    [Alias("LocalListAnswered")]
    Task LocalListAnswered(int version, string status);

    /// <summary>
    /// A session this charger stopped or closed is followed up (archived, counted, billed): it leaves the unsettled
    /// list without the charger's reminder asking it (which would bring a finished session back into memory). One
    /// way: the session does not wait for its charger; a lost message leaves the reminder to ask, as before.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [Alias("SessionSettled")]
    Task SessionSettled(string sessionId);

    /// <summary>The site's load balancer gives a session an allowance; the charger is told (OCPP profile or station command).</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("ApplyAllowance")]
    Task ApplyAllowance(string sessionId, double allowanceW);

    /// <summary>The charger's answer to the limit of <paramref name="allowanceW"/> (Accepted, Rejected, NotSupported, or a CALLERROR's code).</summary>
    [Alias("LimitAnswered")]
    Task LimitAnswered(string sessionId, string status, double allowanceW);

    /// <summary>
    /// What a new transaction may draw until the load balancer gives it an allowance (OCPP TxDefaultProfile, sent at
    /// boot): nothing (0 W) on a site with a limit, so a new car never adds to the others' shares before its own
    /// arrives; null on a site without one.
    /// </summary>
    [Alias("DefaultLimit")]
    Task<double?> DefaultLimit();

    /// <summary>
    /// The site's limits were set or removed: a connected OCPP charge point gets its default profile again (set on a
    /// site that now has a limit, cleared on one that no longer has), as it would at its next boot.
    /// </summary>
    [Alias("SiteLimitsChanged")]
    Task SiteLimitsChanged();

    [Alias("GetView")]
    Task<ChargerView> GetView();

    /// <summary>
    /// Asks the charger to stop one of its sessions (OCPP RemoteStopTransaction, or the gRPC station's command
    /// stream). The session ends when the charger sends its own stop with its register. FailedPrecondition when the
    /// charger cannot be reached. Interleaves: the charger's answer may need its readings to be served.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("RequestStop")]
    Task<StopRequestResult> RequestStop(string sessionId, string requestedBy);

    /// <summary>
    /// Closes one of this charger's sessions without the charger's stop (an operator's force-close of a zombie):
    /// energy to the last accepted register, the connector freed, who and when recorded.
    /// </summary>
    [Alias("CloseSession")]
    Task<SessionView> CloseSession(string sessionId, CloseSessionCommand command);

    /// <summary>Closes sessions that had no reading, status or heartbeat for the configured time (the reminder's sweep).</summary>
    [Alias("SweepAbandoned")]
    Task<int> SweepAbandoned();

    [Alias("AttachStation")]
    Task AttachStation(IStationCommandChannel channel);

    [Alias("DetachStation")]
    Task DetachStation(IStationCommandChannel channel);

    /// <summary>Prices planned periods under the tariff this charger (or its site) has in force at their start.</summary>
    [Alias("Estimate")]
    Task<Tariffs.PricedEstimate> Estimate(ImmutableArray<Tariffs.ChargingPeriod> periods, DateTime sessionEnd, string? tariffGroup);

    /// <summary>Puts the charger in a site (sites group chargers for tariffs and reports); null takes it out.</summary>
    [Alias("SetSite")]
    Task<ChargerView> SetSite(string? siteId);

    /// <summary>Adds the charger to the registry, or replaces its site, connectors and credential (a credential rotation).</summary>
    [Alias("Register")]
    Task<ChargerView> Register(ChargerRegistration registration);

    /// <summary>Whether the charger is registered and its credential hash is this one.</summary>
    [Alias("VerifyCredential")]
    Task<bool> VerifyCredential(string credentialHash);

    /// <summary>Sessions in progress and the power they last reported.</summary>
    [Alias("GetLive")]
    Task<ChargerLive> GetLive();

    /// <summary>Sessions started on this charger between from (inclusive) and to (exclusive), newest first.</summary>
    [Alias("ListSessions")]
    Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit);
}
