using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What operators (and drivers, for their own sessions) ask of a charger: its registration and site, its view and
/// history, remote stop and force-close, estimates.
/// </summary>
[Alias("charge.IChargerOperations")]
public interface IChargerOperations : IGrainWithStringKey
{
    /// <summary>Adds the charger to the registry, or replaces its site, connectors and credential (a credential rotation).</summary>
    [Alias("Register")]
    Task<ChargerView> Register(ChargerRegistration registration);

    /// <summary>
    /// Decommissions the charger: its credential is revoked (it can no longer connect or report), it leaves its site
    /// and the fleet list, and its sessions and history stay. FailedPrecondition while sessions run on it.
    /// Registering it again recommissions it.
    /// </summary>
    [Alias("Deregister")]
    Task<ChargerView> Deregister();

    /// <summary>Puts the charger in a site (sites group chargers for tariffs and reports); null takes it out.</summary>
    [Alias("SetSite")]
    Task<ChargerView> SetSite(string? siteId);

    [Alias("GetView")]
    Task<ChargerView> GetView();

    /// <summary>Time online and not faulted in [from, to), counted from its registration.</summary>
    [Alias("GetAvailability")]
    Task<AvailabilityView> GetAvailability(DateTime from, DateTime to);

    /// <summary>Sessions in progress and the power they last reported.</summary>
    [Alias("GetLive")]
    Task<ChargerLive> GetLive();

    /// <summary>Sessions started on this charger between from (inclusive) and to (exclusive), newest first.</summary>
    [Alias("ListSessions")]
    Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit);

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

    /// <summary>Prices planned periods under the tariff this charger (or its site) has in force at their start.</summary>
    [Alias("Estimate")]
    Task<Tariffs.PricedEstimate> Estimate(ImmutableArray<Tariffs.ChargingPeriod> periods, DateTime sessionEnd, string? tariffGroup);
}
