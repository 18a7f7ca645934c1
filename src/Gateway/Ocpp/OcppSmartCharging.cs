using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// At a charge point's boot on a site with a power limit: a TxDefaultProfile (connector 0, every new transaction)
/// at 0 W, so a transaction draws nothing until the site's load balancer sends its own TxProfile and a new car never
/// pushes the site over its limit in between (the others' shares may fill it).
/// </summary>
public sealed partial class OcppSmartCharging(IGrainFactory grains, ILogger<OcppSmartCharging> logger)
{
    /// <summary>The TxDefaultProfile's ID; TxProfiles use their transaction's ID.</summary>
    public const int DefaultProfileId = 0;

    public async Task OnBoot(OcppConnection connection)
    {
        try
        {
            if (await grains.Reference<IChargerGrain>(connection.ChargePointId).DefaultLimit() is { } w)
            {
                LogDefault(connection.ChargePointId, w, await connection.SetDefaultLimit(w));
            }
        }
        catch (Exception e)
        {
            // A charger without smart charging answers with a CALLERROR; its sessions are counted at their maximum.
            LogFailed(e, connection.ChargePointId);
        }
    }

    /// <summary>The TxDefaultProfile at <paramref name="limitW"/> (W, from the start of every new transaction).</summary>
    public static SetChargingProfile DefaultProfile(double limitW) =>
        new(0, new ChargingProfile(DefaultProfileId, null, 0, "TxDefaultProfile", "Relative",
            new ChargingSchedule("W", [new ChargingSchedulePeriod(0, Tenths(limitW))])));

    /// <summary>
    /// A limit as sent, in tenths (the precision OCPP schedules carry), rounded down: what a charger is told never
    /// exceeds its share, so the shares of a site never add up above its limit.
    /// </summary>
    public static decimal Tenths(double limit) => Math.Floor((decimal)limit * 10) / 10;

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: default profile {Limit} W: {Status}")]
    private partial void LogDefault(string chargePointId, double limit, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: no default profile")]
    private partial void LogFailed(Exception e, string chargePointId);
}
