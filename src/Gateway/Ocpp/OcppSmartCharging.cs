using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// At a charge point's boot on a site with a power limit: a TxDefaultProfile (connector 0, every new transaction)
/// at one session's minimum, so a transaction starts low until the site's load balancer sends its own TxProfile and
/// a new car never pushes the site over its limit in between.
/// </summary>
public sealed partial class OcppSmartCharging(IGrainFactory grains, ILogger<OcppSmartCharging> logger)
{
    /// <summary>The TxDefaultProfile's ID; TxProfiles use their transaction's ID.</summary>
    public const int DefaultProfileId = 0;

    public async Task OnBoot(OcppConnection connection)
    {
        try
        {
            if (await grains.GetGrain<IChargerGrain>(connection.ChargePointId).DefaultLimit() is not { } w)
            {
                return;
            }

            var (action, payload) = OcppJson.Command(new SetChargingProfile(0,
                new ChargingProfile(DefaultProfileId, null, 0, "TxDefaultProfile", "Relative",
                    new ChargingSchedule("W", [new ChargingSchedulePeriod(0, Math.Round((decimal)w, 1))]))));
            LogDefault(connection.ChargePointId, w, OcppJson.StatusOf(await connection.Call(action, payload)));
        }
        catch (Exception e)
        {
            // A charger without smart charging answers with a CALLERROR; its sessions are counted at their maximum.
            LogFailed(e, connection.ChargePointId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: default profile {Limit} W: {Status}")]
    private partial void LogDefault(string chargePointId, double limit, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: no default profile")]
    private partial void LogFailed(Exception e, string chargePointId);
}
