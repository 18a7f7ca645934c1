using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;
using FsCheck;
using FsCheck.Fluent;

namespace Charge.Grains.Tests.Tariffs;

/// <summary>Invariants of pricing over generated sessions and tariffs.</summary>
public sealed class PricingPropertyTests
{
    private static readonly DateTime Origin = new(2026, 11, 27, 20, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Tariffs for the monotonicity property. Excluded by construction: a stepped TIME component together with a
    /// PARKING_TIME component, because pricing rule 2 then stops stepping charging time once billable parking begins,
    /// which can lower a running total by less than one time step (see README, "Pricing choices").
    /// </summary>
    private static readonly Tariff[] Tariffs =
    [
        OcpiTariffJson.Parse(
            """
            {"id":"tod","currency":"EUR","time_zone":"Europe/Amsterdam","elements":[
              {"price_components":[{"type":"FLAT","price":0.35,"vat":21,"step_size":1}]},
              {"price_components":[{"type":"ENERGY","price":0.22,"vat":21,"step_size":100}],"restrictions":{"start_time":"23:00","end_time":"07:00"}},
              {"price_components":[{"type":"ENERGY","price":0.45,"vat":21,"step_size":100}],"restrictions":{"start_time":"17:00","end_time":"21:00","day_of_week":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"]}},
              {"price_components":[{"type":"ENERGY","price":0.30,"vat":21,"step_size":100}],"restrictions":{"max_power":22}},
              {"price_components":[{"type":"ENERGY","price":0.38,"vat":21,"step_size":100}]},
              {"price_components":[{"type":"PARKING_TIME","price":3.00,"vat":21,"step_size":300}],"restrictions":{"min_duration":3600}}
            ]}
            """),
        OcpiTariffJson.Parse(
            """
            {"id":"tiers","currency":"EUR","min_price":{"excl_vat":1.00,"incl_vat":1.19},"max_price":{"excl_vat":25.00},"elements":[
              {"price_components":[{"type":"ENERGY","price":0.10,"vat":19,"step_size":1}],"restrictions":{"max_kwh":5}},
              {"price_components":[{"type":"ENERGY","price":0.40,"vat":19,"step_size":1},{"type":"TIME","price":1.20,"vat":19,"step_size":600}],"restrictions":{"min_kwh":5}},
              {"price_components":[{"type":"TIME","price":0.60,"vat":19,"step_size":600}]}
            ]}
            """),
        OcpiTariffJson.Parse(
            """
            {"id":"time-parking","currency":"GBP","time_zone":"Europe/London","elements":[
              {"price_components":[{"type":"TIME","price":2.40,"vat":20,"step_size":1},{"type":"PARKING_TIME","price":6.00,"vat":20,"step_size":900}],"restrictions":{"start_time":"08:00","end_time":"20:00"}},
              {"price_components":[{"type":"TIME","price":1.20,"vat":20,"step_size":1}]}
            ]}
            """),
    ];

    /// <summary>A register curve from generated gaps (seconds) and increments (Wh); zero increments are parking.</summary>
    private static List<MeterReading> Curve(int[] gaps, int[] increments)
    {
        var points = new List<MeterReading> { new(Origin, 50_000m) };
        for (var i = 0; i < Math.Min(gaps.Length, increments.Length); i++)
        {
            var last = points[^1];
            var gap = 1 + Math.Abs(gaps[i] % 1800);
            var wh = Math.Abs(increments[i] % 4000) < 800 ? 0 : Math.Abs(increments[i] % 4000);
            points.Add(new MeterReading(last.Timestamp.AddSeconds(gap), last.EnergyWh + wh));
        }

        return points;
    }

    private static CostBreakdown PriceCurve(Tariff tariff, List<MeterReading> points) =>
        PricingEngine.Price(tariff, SessionPeriods.FromPoints(points), points[^1].Timestamp);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Cost_never_decreases_as_a_session_goes_on(int[] gaps, int[] increments, byte tariff)
    {
        var t = Tariffs[tariff % Tariffs.Length];
        var points = Curve(gaps, increments);
        var previous = Money.Zero;
        for (var n = 2; n <= points.Count; n++)
        {
            var total = PriceCurve(t, points[..n]).Total;
            if (total.ExclVat < previous.ExclVat || total.InclVat < previous.InclVat)
            {
                return false;
            }

            previous = total;
        }

        return true;
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool An_extra_reading_on_the_same_line_does_not_change_the_price(int[] gaps, int[] increments, byte tariff, byte where, byte fraction)
    {
        var t = Tariffs[tariff % Tariffs.Length];
        var points = Curve(gaps, increments);
        if (points.Count < 2)
        {
            return true;
        }

        // Split one meter interval at a whole second, with the register interpolated exactly on the line.
        var i = 1 + where % (points.Count - 1);
        var (from, to) = (points[i - 1], points[i]);
        var seconds = (int)(to.Timestamp - from.Timestamp).TotalSeconds;
        if (seconds < 2)
        {
            return true;
        }

        var at = 1 + fraction % (seconds - 1);
        var register = from.EnergyWh + (to.EnergyWh - from.EnergyWh) * at / seconds;
        var split = new List<MeterReading>(points);
        split.Insert(i, new MeterReading(from.Timestamp.AddSeconds(at), register));

        var a = PriceCurve(t, points);
        var b = PriceCurve(t, split);
        return Math.Abs(a.Total.ExclVat - b.Total.ExclVat) < 0.000000001m
            && Math.Abs(a.Total.InclVat - b.Total.InclVat) < 0.000000001m
            && a.TotalRounded == b.TotalRounded;
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool The_rounded_total_is_the_exact_total_to_the_cent(int[] gaps, int[] increments, byte tariff)
    {
        var price = PriceCurve(Tariffs[tariff % Tariffs.Length], Curve(gaps, increments));
        return Math.Abs(price.TotalRounded.ExclVat - price.Total.ExclVat) <= 0.005m
            && Math.Abs(price.TotalRounded.InclVat - price.Total.InclVat) <= 0.005m;
    }
}
