using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;

namespace Charge.Grains.Tests;

public sealed class EnergyAccountTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private readonly List<MeterAnomaly> _anomalies = [];

    private EnergyAccount NewAccount(decimal startWh = 1000m, DateTime? start = null) =>
        new(EnergyAccount.Begin(start ?? T0, startWh), new RegisterState(), _anomalies.Add);

    private static MeterReading At(double minutes, decimal wh, double? powerW = null) =>
        new(T0.AddMinutes(minutes), wh, powerW);

    [Fact]
    public void Energy_is_the_last_register_minus_the_start_register()
    {
        var account = NewAccount(1000m);
        account.Add(At(1, 1200m));
        account.Add(At(2, 1750.5m));

        Assert.Equal(750.5m, account.EnergyWh);
    }

    [Fact]
    public void A_new_session_has_no_energy()
    {
        Assert.Equal(0m, NewAccount().EnergyWh);
    }

    [Fact]
    public void Energy_is_not_double_counted_when_a_reading_repeats()
    {
        var account = NewAccount(1000m);
        Assert.Equal(ReadingOutcome.Accepted, account.Add(At(1, 1500m)).Outcome);
        Assert.Equal(ReadingOutcome.Duplicate, account.Add(At(1, 1500m)).Outcome);

        Assert.Equal(500m, account.EnergyWh);
        Assert.Equal(2, account.Points.Count);
    }

    [Fact]
    public void An_out_of_order_reading_is_placed_in_time_order()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 2000m));
        var result = account.Add(At(5, 1400m));

        Assert.Equal(ReadingOutcome.Accepted, result.Outcome);
        Assert.Equal([T0, T0.AddMinutes(5), T0.AddMinutes(10)], account.Points.Select(p => p.Timestamp));
        Assert.Equal(1000m, account.EnergyWh);
    }

    [Fact]
    public void A_register_that_goes_backwards_is_an_anomaly_and_never_negative_energy()
    {
        var account = NewAccount(1000m);
        account.Add(At(1, 1500m));
        var result = account.Add(At(2, 1200m));

        Assert.Equal(ReadingOutcome.Anomaly, result.Outcome);
        Assert.Equal(AnomalyKind.RegisterWentBackwards, _anomalies[^1].Kind);
        Assert.Contains("below 1500", _anomalies[^1].Detail);
        Assert.Equal(500m, account.EnergyWh);
    }

    [Fact]
    public void A_late_reading_above_a_later_register_is_an_anomaly()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 2000m));
        var result = account.Add(At(5, 2100m));

        Assert.Equal(AnomalyKind.RegisterWentBackwards, _anomalies[^1].Kind);
        Assert.Equal(2, account.Points.Count);
    }

    [Fact]
    public void A_later_register_below_the_meter_start_is_an_anomaly()
    {
        var account = NewAccount(100_000m);
        account.Add(At(1, 100_100m));
        account.Add(At(2, 99_000m));

        Assert.Equal(AnomalyKind.RegisterWentBackwards, _anomalies[^1].Kind);
        Assert.Equal(100m, account.EnergyWh);
    }

    [Fact]
    public void A_first_register_below_the_start_that_is_a_plausible_rise_from_zero_is_session_relative()
    {
        var account = NewAccount(100_000m);
        account.Add(At(1, 200m));
        account.Add(At(2, 400m));

        Assert.Equal(AnomalyKind.RelativeMeterValues, Assert.Single(_anomalies).Kind);
        Assert.Equal(400m, account.EnergyWh);
    }

    [Fact]
    public void A_session_relative_stop_below_the_start_leaves_an_excluded_jump_out()
    {
        var account = NewAccount(100_000m);
        account.Add(At(1, 100m));
        account.Add(At(2, 200m));
        // A jump of 50,000 Wh in a minute (3 MW) that stays: excluded.
        account.Add(At(3, 50_200m));
        account.Add(At(4, 50_300m));
        account.Close(T0.AddMinutes(5), 50_400m);

        Assert.Contains(_anomalies, a => a.Kind == AnomalyKind.JumpExcluded);
        // 100 Wh a minute for 5 minutes; the jump is not billed, by the readings nor by the stop.
        Assert.Equal(400m, account.EnergyWh);
    }

    [Fact]
    public void A_first_register_far_below_the_start_is_not_taken_as_relative()
    {
        var account = NewAccount(10_000_000m);
        account.Add(At(1, 5_000_000m));

        Assert.Equal(AnomalyKind.RegisterWentBackwards, Assert.Single(_anomalies).Kind);
        Assert.Equal(0m, account.EnergyWh);
    }

    [Fact]
    public void A_stop_never_throws_and_energy_is_never_negative()
    {
        var account = NewAccount(5000m);
        account.Add(At(10, 6000m));
        account.Close(T0.AddMinutes(-5), 0m);

        Assert.True(account.EnergyWh >= 0);
        Assert.Contains(_anomalies, a => a.Kind == AnomalyKind.StopBeforeStart);
    }

    [Fact]
    public void Energy_never_exceeds_the_connectors_power_over_the_session_plus_the_slack()
    {
        var register = new RegisterState { MaxPowerW = 11_000 };
        var account = new EnergyAccount(EnergyAccount.Begin(T0, 0m), register, _anomalies.Add);
        // Each step is within its own slack, but together they would bill more than the connector can deliver.
        for (var i = 1; i <= 60; i++)
        {
            account.Add(At(i / 60.0, 999m * i));
        }

        account.Close(T0.AddMinutes(1), 999m * 60);

        Assert.True(account.EnergyWh <= 11_000m / 60m + EnergyAccount.SlackWh, $"{account.EnergyWh} Wh in one minute at 11 kW");
    }

    [Fact]
    public void Two_different_registers_for_the_same_instant_are_a_conflict()
    {
        var account = NewAccount(1000m);
        account.Add(At(1, 1500m));
        var result = account.Add(At(1, 1600m));

        Assert.Equal(AnomalyKind.ConflictingReading, _anomalies[^1].Kind);
        Assert.Equal(500m, account.EnergyWh);
    }

    [Fact]
    public void A_reading_before_the_session_start_is_an_anomaly()
    {
        var account = NewAccount(1000m);
        var result = account.Add(At(-1, 1000m));

        Assert.Equal(AnomalyKind.BeforeSessionStart, _anomalies[^1].Kind);
    }

    [Fact]
    public void Slots_are_aligned_to_the_quarter_hour_and_split_energy_linearly()
    {
        // 10:10 -> 10:20 charges 600 Wh evenly: 5 minutes fall in the 10:00 slot, 5 in the 10:15 slot.
        var account = NewAccount(0m, T0.AddMinutes(10));
        account.Add(At(20, 600m, powerW: 3600));

        var slots = account.Slots();

        Assert.Equal(2, slots.Length);
        Assert.Equal(T0, slots[0].Start);
        Assert.Equal(T0.AddMinutes(15), slots[1].Start);
        Assert.Equal(300m, slots[0].EnergyWh);
        Assert.Equal(300m, slots[1].EnergyWh);
        Assert.Null(slots[0].MaxPowerW);
        Assert.Equal(3600, slots[1].MaxPowerW);
    }

    [Fact]
    public void Slots_add_up_exactly_to_the_session_energy()
    {
        var account = NewAccount(1000m, T0.AddMinutes(3));
        account.Add(At(7, 1333.3m));
        account.Add(At(31, 2000m));
        account.Add(At(52.5, 2999.9m));
        account.Add(At(95, 4001m));

        var slots = account.Slots();

        Assert.Equal(account.EnergyWh, slots.Sum(s => s.EnergyWh));
        Assert.Equal(T0, slots[0].Start);
        Assert.Equal(T0.AddMinutes(90), slots[^1].Start);
        Assert.Equal(7, slots.Length);
    }

    [Fact]
    public void A_slot_without_energy_between_charging_slots_is_kept_with_zero()
    {
        var account = NewAccount(0m);
        account.Add(At(10, 100m));
        account.Add(At(40, 100m));
        account.Add(At(50, 300m));

        var slots = account.Slots();

        // 10:40-10:50 straddles 10:45: half of its 200 Wh falls on each side.
        Assert.Equal([100m, 0m, 100m, 100m], slots.Select(s => s.EnergyWh));
    }

    [Fact]
    public void A_reading_exactly_on_a_slot_boundary_closes_the_earlier_slot()
    {
        var account = NewAccount(0m);
        account.Add(At(15, 500m, powerW: 2000));

        var slots = account.Slots();

        Assert.Single(slots);
        Assert.Equal(500m, slots[0].EnergyWh);
        Assert.Equal(2000, slots[0].MaxPowerW);
    }

    [Fact]
    public void Closing_appends_the_stop_register_and_energy_is_stop_minus_start()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 1500m));

        account.Close(T0.AddMinutes(20), 1800m);
        var dropped = _anomalies;

        Assert.Empty(dropped);
        Assert.Equal(800m, account.EnergyWh);
        Assert.Equal(T0.AddMinutes(20), account.Last.Timestamp);
    }

    [Fact]
    public void Closing_moves_readings_after_the_stop_to_anomalies()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 1500m));
        account.Add(At(30, 1900m));

        account.Close(T0.AddMinutes(20), 1700m);
        var dropped = _anomalies;

        Assert.Equal(AnomalyKind.AfterSessionStop, Assert.Single(dropped).Kind);
        Assert.Equal(700m, account.EnergyWh);
        Assert.Equal(700m, account.Slots().Sum(s => s.EnergyWh));
    }

    [Fact]
    public void Closing_below_an_earlier_register_drops_the_readings_above_meter_stop()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 1500m));
        account.Add(At(15, 1600m));

        account.Close(T0.AddMinutes(20), 1550m);
        var dropped = _anomalies;

        Assert.Equal([AnomalyKind.AboveMeterStop], dropped.Select(d => d.Kind));
        Assert.Equal(550m, account.EnergyWh);
    }

    [Fact]
    public void Closing_on_the_last_reading_with_the_same_register_keeps_one_point()
    {
        var account = NewAccount(1000m);
        account.Add(At(10, 1500m));

        account.Close(T0.AddMinutes(10), 1500m);
        var dropped = _anomalies;

        Assert.Empty(dropped);
        Assert.Equal(2, account.Points.Count);
    }
}
