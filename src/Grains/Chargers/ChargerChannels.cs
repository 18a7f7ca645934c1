using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// How a charger is reached: its OCPP socket or its gRPC command stream, each held by whichever gateway serves it
/// and renewed by that gateway while open. Kept in memory only: a lost reference is renewed, never stored.
/// </summary>
internal sealed class ChargerChannels(string chargerId)
{
    /// <summary>A channel not renewed for longer than this belongs to a gateway that is gone.</summary>
    public static readonly TimeSpan RenewedWithin = ChannelRenewal.ExpiresAfter;

    private IOcppChannel? _ocpp;
    private IStationCommandChannel? _station;
    private DateTime _ocppRenewedAt;
    private DateTime _stationRenewedAt;

    public bool Ocpp => _ocpp is not null;

    public IOcppChannel? OcppChannel => _ocpp;

    public bool Station => _station is not null;

    /// <summary>Whether an OCPP socket is open as far as a live gateway says (attached and renewed lately).</summary>
    public bool OcppOpen(DateTime now) => _ocpp is not null && now - _ocppRenewedAt <= RenewedWithin;

    public bool StationOpen(DateTime now) => _station is not null && now - _stationRenewedAt <= RenewedWithin;

    /// <summary>Holds the channel; whether it is a new one (a connection), not the renewal of the one held.</summary>
    public bool Attach(IOcppChannel channel, DateTime now)
    {
        var fresh = !Equals(_ocpp, channel);
        _ocpp = channel;
        _ocppRenewedAt = now;
        return fresh;
    }

    /// <summary>Drops the channel if it is the current one; whether it was.</summary>
    public bool Detach(IOcppChannel channel)
    {
        if (Equals(_ocpp, channel))
        {
            _ocpp = null;
            return true;
        }

        return false;
    }

    public bool Attach(IStationCommandChannel channel, DateTime now)
    {
        var fresh = !Equals(_station, channel);
        _station = channel;
        _stationRenewedAt = now;
        return fresh;
    }

    public void Detach(IStationCommandChannel channel)
    {
        if (Equals(_station, channel))
        {
            _station = null;
        }
    }

    /// <summary>
    /// The credential the open socket and stream were opened with no longer holds: their gateways close them, and the
    /// charger is reached again only once it connects with its new credential.
    /// </summary>
    public void Revoke(string reason)
    {
        if (_ocpp is { } ocpp)
        {
            _ = ocpp.Revoked(reason);
            _ocpp = null;
        }

        if (_station is { } station)
        {
            _ = station.Revoked(reason);
            _station = null;
        }
    }

    /// <summary>A call over the OCPP socket; a lost connection or an unanswered call is FailedPrecondition naming <paramref name="action"/>.</summary>
    public async Task<string> OverOcpp(string action, Func<IOcppChannel, Task<string>> call)
    {
        var channel = _ocpp ?? throw ChargeException.FailedPrecondition($"charger '{chargerId}' is not connected over OCPP");
        try
        {
            return await call(channel);
        }
        catch (Exception e) when (e is not ChargeException)
        {
            // The gateway holding the socket is gone or the charger did not answer in time.
            Detach(channel);
            throw ChargeException.FailedPrecondition($"charger '{chargerId}' did not answer {action}: its OCPP connection was lost");
        }
    }

    /// <summary>Queues a command on the open station stream; false when there is none (any more).</summary>
    public async Task<bool> DeliverToStation(StationCommand command)
    {
        if (_station is not { } station)
        {
            return false;
        }

        try
        {
            if (await station.Deliver(command))
            {
                return true;
            }
        }
        catch (Exception e) when (e is not ChargeException)
        {
            // The gateway holding the stream is gone.
        }

        Detach(station);
        return false;
    }

    /// <summary>
    /// Asks the charger to stop a session: RemoteStopTransaction over its socket (an OCPP transaction), else a
    /// RemoteStop on its command stream. Which channel and the charger's answer; FailedPrecondition when neither is open.
    /// </summary>
    public async Task<(string Channel, string Status)> AskToStop(StationCommand command, bool overOcpp)
    {
        if (Ocpp && overOcpp)
        {
            return ("ocpp", await OverOcpp("RemoteStopTransaction", channel => channel.Deliver(command)));
        }

        if (await DeliverToStation(command))
        {
            return ("station-stream", "Sent");
        }

        throw ChargeException.FailedPrecondition(
            $"charger '{chargerId}' is not connected (no OCPP socket, no open command stream): it cannot be asked to stop session '{command.SessionId}'; an operator can force-close it");
    }
}
