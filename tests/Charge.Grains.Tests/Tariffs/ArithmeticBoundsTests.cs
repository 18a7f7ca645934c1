using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Tests.Tariffs;

/// <summary>
/// The largest values the limits admit, together, price without overflow: the most expensive tariff the reader
/// accepts over the most energy and the longest session a charger can report.
/// </summary>
public sealed class ArithmeticBoundsTests
{
    private static string MaxTariff(int step) => $$"""
        {"id":"MAX","currency":"EUR","min_price":{"excl_vat":{{Limits.MaxPrice}},"incl_vat":{{Limits.MaxPrice}}},"elements":[{"price_components":[
          {"type":"FLAT","price":{{Limits.MaxPrice}},"vat":100,"step_size":0},
          {"type":"ENERGY","price":{{Limits.MaxPrice}},"vat":100,"step_size":{{step}}},
          {"type":"TIME","price":{{Limits.MaxPrice}},"vat":100,"step_size":{{step}}},
          {"type":"PARKING_TIME","price":{{Limits.MaxPrice}},"vat":100,"step_size":{{step}}}],
          "restrictions":{"max_kwh":{{Limits.MaxTariffVolume}},"max_duration":315360000} } ] }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000_000)]
    public void The_most_expensive_accepted_tariff_prices_the_largest_accepted_session_without_overflow(int step)
    {
        var tariff = OcpiTariffJson.Parse(MaxTariff(step));
        var start = Limits.Earliest;
        var end = Limits.Latest.AddTicks(-1);
        var hours = (decimal)(end - start).TotalHours;
        var periods = new[]
        {
            new ChargingPeriod(start, Limits.MaxEnergyWh / 1000m, hours / 2, 0m, (double)(Limits.MaxEnergyWh / 1000m / (hours / 2)), Limits.MaxCurrentA),
            new ChargingPeriod(start.AddHours((double)(hours / 2)), 0m, 0m, hours / 2),
        };

        var cost = PricingEngine.Price(tariff, periods, end);

        Assert.True(cost.TotalRounded.InclVat > 0);
        Assert.True(cost.TotalRounded.InclVat >= cost.TotalRounded.ExclVat);
    }
}
