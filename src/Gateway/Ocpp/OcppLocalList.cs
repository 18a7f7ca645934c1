using System.Collections.Concurrent;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// Makes the local-list calls on a charge point's socket, outside any grain: the charger grain plans the update
/// (what changed in the token registry since the version the charger holds), this gateway asks and sends, and tells
/// the grain the answer. One sync at a time per charge point; it runs after the reply to the message that prompted it.
/// </summary>
public sealed partial class OcppLocalList(IGrainFactory grains, ILogger<OcppLocalList> logger)
{
    private readonly ConcurrentDictionary<string, byte> _running = new();

    /// <summary>After a BootNotification (<paramref name="booted"/>: ask the version first) or a Heartbeat.</summary>
    public async Task Sync(OcppConnection connection, bool booted)
    {
        var chargePointId = connection.ChargePointId;
        if (!_running.TryAdd(chargePointId, 0))
        {
            return;
        }

        var charger = grains.Reference<IChargerGrain>(chargePointId);
        try
        {
            int? held = null;
            if (booted)
            {
                held = await Ask(connection, charger);
                if (held is null)
                {
                    return;
                }
            }

            if (await charger.PlanLocalList(held) is not { } update)
            {
                return;
            }

            var (action, payload) = connection.Commands.SendLocalList(update);
            string status;
            try
            {
                status = OcppJson.StatusOf(await connection.Call(action, payload));
            }
            catch (ChargeException e) when (NotImplemented(e))
            {
                status = "NotSupported";
            }

            await charger.LocalListAnswered(update.ListVersion, status);
            LogSent(chargePointId, update.Full ? "Full" : "Differential", update.Entries.Length, update.ListVersion, status);
        }
        catch (Exception e)
        {
            // A lost socket, a timeout, a cluster hiccup: the next heartbeat tries again.
            LogFailed(e, chargePointId);
        }
        finally
        {
            _running.TryRemove(chargePointId, out _);
        }
    }

    /// <summary>The version the charger holds; -1 when it has no local list; null when it did not answer usefully.</summary>
    private static async Task<int?> Ask(OcppConnection connection, IChargerGrain charger)
    {
        try
        {
            var (action, payload) = connection.Commands.LocalListVersion();
            return connection.Commands.ReadLocalListVersion(await connection.Call(action, payload));
        }
        catch (ChargeException e) when (NotImplemented(e))
        {
            await charger.PlanLocalList(-1);
            return null;
        }
    }

    private static bool NotImplemented(ChargeException e) =>
        e.Message.Contains("NotImplemented", StringComparison.Ordinal) || e.Message.Contains("NotSupported", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge point {ChargePointId}: local list {UpdateType} update of {Entries} tag(s) to version {Version}: {Status}")]
    private partial void LogSent(string chargePointId, string updateType, int entries, int version, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge point {ChargePointId}: local list not brought up to date; the next heartbeat tries again")]
    private partial void LogFailed(Exception e, string chargePointId);
}
