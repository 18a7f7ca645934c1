using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// How the central system reaches a connected charger: the channel a gateway holds for it (an OCPP socket or a
/// station command stream), its credential check, and what to send it on connect.
/// </summary>
[Alias("charge.IChargerConnection")]
public interface IChargerConnection : IGrainWithStringKey
{
    /// <summary>Whether the charger is registered and its credential hash is this one.</summary>
    [Alias("VerifyCredential")]
    Task<bool> VerifyCredential(string credentialHash);

    /// <summary>The gateway holding this charger's OCPP socket registers (and renews) its channel.</summary>
    [Alias("AttachOcpp")]
    Task AttachOcpp(IOcppChannel channel);

    [Alias("DetachOcpp")]
    Task DetachOcpp(IOcppChannel channel);

    [Alias("AttachStation")]
    Task AttachStation(IStationCommandChannel channel);

    [Alias("DetachStation")]
    Task DetachStation(IStationCommandChannel channel);

    /// <summary>
    /// Sends an operator's command to the charger in its OCPP version and returns its status (Accepted, Rejected,
    /// ...). FailedPrecondition when the charger is not connected over OCPP or answers with a CALLERROR;
    /// InvalidArgument when the command has no form in its version. Interleaves: waiting for the charger must not
    /// hold up its readings.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("Operate")]
    Task<string> Operate(OperatorCommand command);

    /// <summary>
    /// What to send to bring the charger's local authorization list up to the token registry, or null (up to date,
    /// or the charger has none). <paramref name="heldVersion"/>: what GetLocalListVersion answered after a (re)boot,
    /// -1 when the charger has no list; null when not asked.
    /// </summary>
    [Alias("PlanLocalList")]
    Task<LocalListUpdate?> PlanLocalList(int? heldVersion);

    /// <summary>
    /// What a new transaction may draw until the load balancer gives it an allowance (OCPP TxDefaultProfile, sent at
    /// boot): nothing (0 W) on a site with a limit, so a new car never adds to the others' shares before its own
    /// arrives; null on a site without one.
    /// </summary>
    [Alias("DefaultLimit")]
    Task<double?> DefaultLimit();
}
