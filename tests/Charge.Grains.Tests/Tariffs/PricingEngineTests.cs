using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Tests.Tariffs;

/// <summary>One test per OCPI pricing rule, on small tariffs whose totals are computed by hand in each comment.</summary>
public sealed class PricingEngineTests
{
    // Tuesday 2026-11-24, 10:00 UTC.
    private static readonly DateTime T0 = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private static Tariff Tariff(string elements, string extra = "", string zone = "UTC") =>
        OcpiTariffJson.Parse($$"""{"id":"t","currency":"EUR","elements":[{{elements}}]{{extra}}}""", zone);

    private static ChargingPeriod Charging(DateTime start, decimal kwh, decimal hours, double? kw = null, double? amps = null) =>
        new(start, kwh, hours, 0m, kw, amps);

    private static ChargingPeriod Parking(DateTime start, decimal hours) => new(start, 0m, 0m, hours);

    private static CostBreakdown Price(Tariff t, DateTime end, params ChargingPeriod[] periods) => PricingEngine.Price(t, periods, end);

    [Fact]
    public void Energy_only_prices_kwh_times_price_with_vat()
    {
        // 12.5 kWh x 0.30 = 3.75; +20 % VAT = 4.50.
        var t = Tariff("""{"price_components":[{"type":"ENERGY","price":0.30,"vat":20.0,"step_size":1}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 12.5m, 1m));

        Assert.Equal(new Money(3.75m, 4.5m), p.Total);
        Assert.Equal(new Money(3.75m, 4.5m), p.CostOf(TariffDimension.Energy));
    }

    [Fact]
    public void Time_only_prices_charging_hours_and_leaves_energy_free()
    {
        // 1.5 h x 2.00 = 3.00; energy has no component.
        var t = Tariff("""{"price_components":[{"type":"TIME","price":2.00,"step_size":1}]}""");
        var p = Price(t, T0.AddHours(1.5), Charging(T0, 20m, 1.5m));

        Assert.Equal(3m, p.Total.ExclVat);
        Assert.Equal(0m, p.CostOf(TariffDimension.Energy).ExclVat);
    }

    [Fact]
    public void Parking_after_charging_stops_is_priced_by_the_parking_component()
    {
        // 1 h charging x 1.00 + 0.5 h parking x 6.00 = 4.00.
        var t = Tariff("""{"price_components":[{"type":"TIME","price":1.00,"step_size":1},{"type":"PARKING_TIME","price":6.00,"step_size":1}]}""");
        var p = Price(t, T0.AddHours(1.5), Charging(T0, 10m, 1m), Parking(T0.AddHours(1), 0.5m));

        Assert.Equal(1m, p.CostOf(TariffDimension.Time).ExclVat);
        Assert.Equal(3m, p.CostOf(TariffDimension.ParkingTime).ExclVat);
        Assert.Equal(4m, p.Total.ExclVat);
    }

    [Fact]
    public void A_flat_fee_is_billed_once_per_session()
    {
        var t = Tariff("""{"price_components":[{"type":"FLAT","price":1.50,"vat":10.0,"step_size":0}]}""");
        var p = Price(t, T0.AddHours(3), Charging(T0, 1m, 1m), Charging(T0.AddHours(1), 1m, 1m), Charging(T0.AddHours(2), 1m, 1m));

        Assert.Equal(new Money(1.5m, 1.65m), p.Total);
    }

    [Fact]
    public void Energy_step_size_rounds_the_session_total_up()
    {
        // 10.01 kWh with a 500 Wh step bills 10.5 kWh x 1.00.
        var t = Tariff("""{"price_components":[{"type":"ENERGY","price":1.00,"step_size":500}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 10.01m, 1m));

        Assert.Equal(10.5m, p.Dimensions.Single(d => d.Dimension == TariffDimension.Energy).BilledVolume);
        Assert.Equal(10.5m, p.Total.ExclVat);
    }

    [Fact]
    public void Time_step_size_rounds_charging_time_when_there_is_no_billable_parking()
    {
        // 61 minutes with a 15-minute step bills 75 minutes x 4.00/h = 5.00.
        var t = Tariff("""{"price_components":[{"type":"TIME","price":4.00,"step_size":900}]}""");
        var p = Price(t, T0.AddMinutes(61), Charging(T0, 5m, 61m / 60m));

        Assert.Equal(5m, p.Total.ExclVat);
    }

    [Fact]
    public void Parking_step_size_rounds_parking_and_then_charging_time_is_exact()
    {
        // Charging 61 min x 4.00/h = 4.0667 exact (not stepped); parking 7 min -> 10 min x 6.00/h = 1.00.
        var t = Tariff("""{"price_components":[{"type":"TIME","price":4.00,"step_size":900},{"type":"PARKING_TIME","price":6.00,"step_size":600}]}""");
        var p = Price(t, T0.AddMinutes(68), Charging(T0, 5m, 61m / 60m), Parking(T0.AddMinutes(61), 7m / 60m));

        Assert.Equal(Math.Round(61m / 60m * 4m, 20), Math.Round(p.CostOf(TariffDimension.Time).ExclVat, 20));
        Assert.Equal(1m, Math.Round(p.CostOf(TariffDimension.ParkingTime).ExclVat, 20));
    }

    [Fact]
    public void A_step_of_one_still_rounds_up_to_a_whole_unit()
    {
        // 1.0004 kWh = 1000.4 Wh, billed as 1001 Wh.
        var t = Tariff("""{"price_components":[{"type":"ENERGY","price":1.00,"step_size":1}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 1.0004m, 1m));

        Assert.Equal(1.001m, p.Total.ExclVat);
    }

    private static Tariff PeakOffPeakCrossingMidnight(string zone = "UTC") => Tariff(
        """
        {"price_components":[{"type":"ENERGY","price":0.20,"step_size":1}],"restrictions":{"start_time":"22:00","end_time":"06:00"}},
        {"price_components":[{"type":"ENERGY","price":0.40,"step_size":1}]}
        """, zone: zone);

    [Fact]
    public void An_off_peak_window_crossing_midnight_applies_on_both_sides_of_midnight()
    {
        // 21:00-07:00 at a steady 1 kWh/h: 1 h peak + 8 h off-peak + 1 h peak = 2 x 0.40 + 8 x 0.20 = 2.40.
        var start = new DateTime(2026, 11, 24, 21, 0, 0, DateTimeKind.Utc);
        var p = Price(PeakOffPeakCrossingMidnight(), start.AddHours(10), Charging(start, 10m, 10m));

        Assert.Equal(2.4m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void A_period_straddling_a_restriction_boundary_is_split_with_energy_spread_linearly()
    {
        // 21:30-22:30 with 6 kWh: 3 kWh before 22:00 at 0.40, 3 kWh after at 0.20 = 1.80.
        var start = new DateTime(2026, 11, 24, 21, 30, 0, DateTimeKind.Utc);
        var p = Price(PeakOffPeakCrossingMidnight(), start.AddHours(1), Charging(start, 6m, 1m));

        Assert.Equal(1.8m, p.Total.ExclVat);
        Assert.Equal(2, p.Periods.Count(x => x.Dimension == TariffDimension.Energy));
    }

    [Fact]
    public void Weekday_and_weekend_elements_follow_the_local_day_of_the_instant()
    {
        var t = Tariff(
            """
            {"price_components":[{"type":"TIME","price":2.00,"step_size":1}],"restrictions":{"day_of_week":["SATURDAY","SUNDAY"]}},
            {"price_components":[{"type":"TIME","price":3.00,"step_size":1}]}
            """);
        // Friday 2026-11-27 23:00 to Saturday 01:00 UTC: 1 h at 3.00 + 1 h at 2.00.
        var friday = new DateTime(2026, 11, 27, 23, 0, 0, DateTimeKind.Utc);

        var p = Price(t, friday.AddHours(2), Charging(friday, 10m, 2m));

        Assert.Equal(5m, p.Total.ExclVat);
    }

    [Fact]
    public void Kwh_tiers_split_a_period_at_the_threshold_with_min_inclusive_and_max_exclusive()
    {
        // First 5 kWh at 0.10, the rest at 0.50: 8 kWh in one period -> 5 x 0.10 + 3 x 0.50 = 2.00.
        var t = Tariff(
            """
            {"price_components":[{"type":"ENERGY","price":0.10,"step_size":1}],"restrictions":{"max_kwh":5.0}},
            {"price_components":[{"type":"ENERGY","price":0.50,"step_size":1}],"restrictions":{"min_kwh":5.0}}
            """);
        var p = Price(t, T0.AddHours(1), Charging(T0, 8m, 1m));

        Assert.Equal(2m, p.Total.ExclVat);
    }

    [Fact]
    public void Duration_tiers_switch_element_exactly_at_the_threshold()
    {
        // First 30 min free, then 3.00/h: 50 min of parking -> 20 min x 3.00/h = 1.00.
        var t = Tariff(
            """
            {"price_components":[{"type":"PARKING_TIME","price":0.0,"step_size":1}],"restrictions":{"max_duration":1800}},
            {"price_components":[{"type":"PARKING_TIME","price":3.0,"step_size":1}],"restrictions":{"min_duration":1800}}
            """);
        var p = Price(t, T0.AddMinutes(50), Parking(T0, 50m / 60m));

        Assert.Equal(1m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void Power_restrictions_use_the_periods_power_with_min_inclusive_and_max_exclusive()
    {
        // 11 kW is below max_power 22 (0.30); exactly 22 kW is not (0.50): 2 x 0.30 + 2 x 0.50 = 1.60.
        var t = Tariff(
            """
            {"price_components":[{"type":"ENERGY","price":0.30,"step_size":1}],"restrictions":{"max_power":22.0}},
            {"price_components":[{"type":"ENERGY","price":0.50,"step_size":1}]}
            """);
        var p = Price(t, T0.AddHours(2), Charging(T0, 2m, 1m, kw: 11), Charging(T0.AddHours(1), 2m, 1m, kw: 22));

        Assert.Equal(1.6m, p.Total.ExclVat);
    }

    [Fact]
    public void Min_price_lifts_a_small_session_and_max_price_caps_a_large_one()
    {
        const string bounds = ""","min_price":{"excl_vat":1.00,"incl_vat":1.20},"max_price":{"excl_vat":10.00,"incl_vat":12.00}""";
        var t = Tariff("""{"price_components":[{"type":"ENERGY","price":0.50,"vat":20.0,"step_size":1}]}""", bounds);

        var small = Price(t, T0.AddHours(1), Charging(T0, 1m, 1m));
        var large = Price(t, T0.AddHours(1), Charging(T0, 30m, 1m));

        Assert.Equal(new Money(1m, 1.2m), small.Total);
        Assert.True(small.MinPriceApplied);
        Assert.Equal(new Money(10m, 12m), large.Total);
        Assert.True(large.MaxPriceApplied);
    }

    [Fact]
    public void Vat_is_per_component_and_a_missing_vat_means_none()
    {
        // Flat 1.00 at 21 % = 1.21; energy 2 kWh x 0.50 with no vat = 1.00: incl 2.21.
        var t = Tariff("""{"price_components":[{"type":"FLAT","price":1.00,"vat":21.0,"step_size":1},{"type":"ENERGY","price":0.50,"step_size":1}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 2m, 1m));

        Assert.Equal(new Money(2m, 2.21m), p.Total);
    }

    [Fact]
    public void The_total_is_rounded_half_away_from_zero_only_at_the_end()
    {
        // 20.45 kWh -> 20.5 kWh x 0.25 = 5.125 -> 5.13 (banker's rounding would say 5.12).
        var t = Tariff("""{"price_components":[{"type":"ENERGY","price":0.25,"step_size":100}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 20.45m, 1m));

        Assert.Equal(5.125m, p.Total.ExclVat);
        Assert.Equal(5.13m, p.TotalRounded.ExclVat);
    }

    [Fact]
    public void A_currency_without_minor_units_rounds_to_whole_units()
    {
        var t = OcpiTariffJson.Parse("""{"id":"t","currency":"JPY","elements":[{"price_components":[{"type":"ENERGY","price":35.5,"step_size":1}]}]}""");
        var p = Price(t, T0.AddHours(1), Charging(T0, 3m, 1m));

        Assert.Equal(106.5m, p.Total.ExclVat);
        Assert.Equal(107m, p.TotalRounded.ExclVat);
    }

    [Fact]
    public void On_the_autumn_dst_night_the_local_window_lasts_seven_real_hours()
    {
        // Europe/Amsterdam, 2026-10-25: 03:00 CEST becomes 02:00 CET. Off-peak 00:00-06:00 local runs from 22:00Z
        // to 05:00Z: 7 h x 1.00 + 1 h (05:00Z-06:00Z) x 3.00 = 10.00. A fixed +02:00 offset would say 12.00.
        var t = Tariff(
            """
            {"price_components":[{"type":"TIME","price":1.00,"step_size":1}],"restrictions":{"start_time":"00:00","end_time":"06:00"}},
            {"price_components":[{"type":"TIME","price":3.00,"step_size":1}]}
            """, zone: "Europe/Amsterdam");
        var start = new DateTime(2026, 10, 24, 22, 0, 0, DateTimeKind.Utc);

        var p = Price(t, start.AddHours(8), Charging(start, 8m, 8m));

        Assert.Equal(10m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void On_the_spring_dst_night_the_local_window_lasts_five_real_hours()
    {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST. Off-peak 00:00-06:00 local runs from 23:00Z to 04:00Z:
        // 5 h x 1.00 + 3 h x 3.00 = 14.00.
        var t = Tariff(
            """
            {"price_components":[{"type":"TIME","price":1.00,"step_size":1}],"restrictions":{"start_time":"00:00","end_time":"06:00"}},
            {"price_components":[{"type":"TIME","price":3.00,"step_size":1}]}
            """, zone: "Europe/Amsterdam");
        var start = new DateTime(2026, 3, 28, 23, 0, 0, DateTimeKind.Utc);

        var p = Price(t, start.AddHours(8), Charging(start, 8m, 8m));

        Assert.Equal(14m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void A_window_starting_at_a_skipped_local_time_begins_at_the_transition()
    {
        // 02:30 does not exist on 2026-03-29 in Amsterdam; the 02:30-04:00 window begins when the clock jumps
        // (01:00Z, 03:00 CEST) and ends at 04:00 CEST (02:00Z): 1 h at 5.00, the other 2 h at 1.00 = 7.00.
        var t = Tariff(
            """
            {"price_components":[{"type":"TIME","price":5.00,"step_size":1}],"restrictions":{"start_time":"02:30","end_time":"04:00"}},
            {"price_components":[{"type":"TIME","price":1.00,"step_size":1}]}
            """, zone: "Europe/Amsterdam");
        var start = new DateTime(2026, 3, 29, 0, 0, 0, DateTimeKind.Utc);

        var p = Price(t, start.AddHours(3), Charging(start, 3m, 3m));

        Assert.Equal(7m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void An_element_for_reservations_never_prices_charging()
    {
        var t = Tariff(
            """
            {"price_components":[{"type":"TIME","price":9.00,"step_size":1}],"restrictions":{"reservation":"RESERVATION"}},
            {"price_components":[{"type":"TIME","price":1.00,"step_size":1}]}
            """);
        var p = Price(t, T0.AddHours(1), Charging(T0, 1m, 1m));

        Assert.Equal(1m, p.Total.ExclVat);
    }

    [Fact]
    public void A_day_of_one_minute_periods_bills_exactly_a_day_despite_repeating_decimals()
    {
        // 1440 x (1/60 h) adds up a hair above 24 h in 28-digit decimals; a step of one second must not bill 86401 s.
        var t = Tariff("""{"price_components":[{"type":"TIME","price":3.60,"step_size":1}]}""");
        var periods = Enumerable.Range(0, 1440).Select(m => Charging(T0.AddMinutes(m), 0.1m, 1m / 60m)).ToArray();

        var p = Price(t, T0.AddDays(1), periods);

        Assert.Equal(24m, Math.Round(p.Dimensions.Single(d => d.Dimension == TariffDimension.Time).BilledVolume, 20));
        Assert.Equal(86.4m, p.TotalRounded.ExclVat);
    }

    [Fact]
    public void Consecutive_periods_under_one_element_are_billed_as_one_run()
    {
        var periods = Enumerable.Range(0, 120).Select(m => Charging(T0.AddHours(11).AddMinutes(m), 0.2m, 1m / 60m)).ToArray();

        // 21:00 (UTC) to 23:00: one peak run until 22:00, one off-peak run after.
        var p = Price(PeakOffPeakCrossingMidnight(), T0.AddHours(13), periods);

        Assert.Equal(2, p.Periods.Count(x => x.Dimension == TariffDimension.Energy));
        Assert.Equal(12m * 0.40m + 12m * 0.20m, Math.Round(p.Total.ExclVat, 20));
    }

    [Fact]
    public void An_empty_session_costs_nothing_but_its_flat_fee_never_applies()
    {
        var t = Tariff("""{"price_components":[{"type":"FLAT","price":1.00,"step_size":0}]}""");
        var p = PricingEngine.Price(t, [], T0);

        Assert.Equal(Money.Zero, p.Total);
    }
}
