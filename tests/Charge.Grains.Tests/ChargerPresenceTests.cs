using Charge.Grains.Chargers;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

public sealed class ChargerPresenceTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly FleetOptions Options = new() { OfflineAfter = TimeSpan.FromMinutes(10) };

    private static (ChargerState State, ChargerPresence Presence) Registered(bool viaOcpp = true)
    {
        var state = new ChargerState { RegisteredAt = T0, ViaOcpp = viaOcpp };
        return (state, new ChargerPresence(() => state, Options));
    }

    [Fact]
    public void An_ocpp_charger_is_online_only_with_its_socket_open_and_heartbeats_coming()
    {
        var (_, presence) = Registered();
        presence.Seen(T0);

        Assert.True(presence.Online(T0.AddMinutes(9), ocppSocketOpen: true, commandStreamOpen: false));
        Assert.False(presence.Online(T0.AddMinutes(9), ocppSocketOpen: false, commandStreamOpen: false));
        // Heartbeats stopped with the socket still open.
        Assert.False(presence.Online(T0.AddMinutes(11), ocppSocketOpen: true, commandStreamOpen: false));
    }

    [Fact]
    public void A_grpc_station_is_online_while_it_calls_or_holds_its_command_stream()
    {
        var (_, presence) = Registered(viaOcpp: false);
        presence.Seen(T0);

        Assert.True(presence.Online(T0.AddMinutes(9), false, false));
        Assert.False(presence.Online(T0.AddMinutes(11), false, false));
        Assert.True(presence.Online(T0.AddMinutes(11), false, commandStreamOpen: true));
    }

    [Fact]
    public void A_silence_longer_than_offline_after_is_recorded_as_offline_when_the_charger_returns()
    {
        var (state, presence) = Registered();
        presence.Seen(T0);

        var recorded = presence.Seen(T0.AddMinutes(60));
        var availability = presence.Availability("cp", T0, T0.AddMinutes(60), now: T0.AddMinutes(60));

        Assert.True(recorded);
        Assert.Equal(new Downtime(DowntimeKind.Offline, T0.AddMinutes(10), T0.AddMinutes(60)), Assert.Single(state.Downtime));
        Assert.Equal(3600, availability.MeasuredSeconds);
        Assert.Equal(3000, availability.OfflineSeconds);
        Assert.Equal(100.0 * 600 / 3600, availability.AvailablePercent!.Value, 6);
    }

    [Fact]
    public void A_closed_socket_opens_an_offline_period_that_the_next_message_closes()
    {
        var (state, presence) = Registered();
        presence.Seen(T0);
        presence.SocketClosed(T0.AddMinutes(5));
        var whileOffline = presence.Availability("cp", T0, T0.AddMinutes(20), now: T0.AddMinutes(20));

        presence.Seen(T0.AddMinutes(8));

        Assert.Equal(900, whileOffline.OfflineSeconds);
        Assert.Null(whileOffline.Periods.Single().End);
        Assert.Equal(new Downtime(DowntimeKind.Offline, T0.AddMinutes(5), T0.AddMinutes(8)), Assert.Single(state.Downtime));
    }

    [Fact]
    public void A_charger_never_heard_from_since_registration_counts_as_offline()
    {
        var (_, presence) = Registered();

        var availability = presence.Availability("cp", T0.AddHours(-1), T0.AddHours(1), now: T0.AddHours(1));

        // Measured only from registration; all of it offline.
        Assert.Equal(3600, availability.MeasuredSeconds);
        Assert.Equal(3600, availability.UnavailableSeconds);
        Assert.Equal(0, availability.AvailablePercent);
    }

    [Fact]
    public void Overlapping_offline_and_faulted_time_is_counted_once_and_the_range_clips_periods()
    {
        var (_, presence) = Registered();
        for (var minute = 0; minute <= 40; minute += 5)
        {
            // Heartbeats every 5 minutes until 40.
            presence.Seen(T0.AddMinutes(minute));
        }

        presence.Faulted(true, T0.AddMinutes(30));
        presence.Faulted(false, T0.AddMinutes(70));
        // Silent from 40: offline from 50 until it returns at 90.
        presence.Seen(T0.AddMinutes(90));

        var a = presence.Availability("cp", T0.AddMinutes(20), T0.AddMinutes(80), now: T0.AddMinutes(120));

        Assert.Equal(3600, a.MeasuredSeconds);
        Assert.Equal(40 * 60, a.FaultedSeconds);       // 30..70
        Assert.Equal(30 * 60, a.OfflineSeconds);       // 50..80 within the range
        Assert.Equal(50 * 60, a.UnavailableSeconds);   // 30..80
    }

    [Fact]
    public void A_decommissioned_charger_is_measured_until_it_was_decommissioned()
    {
        var (state, presence) = Registered();
        presence.Seen(T0);
        presence.Seen(T0.AddMinutes(5));
        state.DecommissionedAt = T0.AddMinutes(6);

        var a = presence.Availability("cp", T0, T0.AddHours(2), now: T0.AddHours(2));

        Assert.Equal(360, a.MeasuredSeconds);
        Assert.Equal(0, a.UnavailableSeconds);
        Assert.False(presence.Online(T0.AddMinutes(5), true, true));
    }
}
