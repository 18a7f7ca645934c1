using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Tests.Tariffs;

/// <summary>Every priced session in shared/tariff-cases/cases.json, reproduced to the cent and to the exact sub-totals.</summary>
public sealed class TariffCasesTests
{
    [Fact]
    public void The_shared_cases_are_present_and_all_29_are_run()
    {
        Assert.True(File.Exists(Path.Combine(TariffCases.Folder, "cases.json")), $"missing {TariffCases.Folder}/cases.json");
        Assert.Equal(29, TariffCases.Ids().Count());
    }

    [Theory]
    [MemberData(nameof(TariffCases.Ids), MemberType = typeof(TariffCases))]
    public void Each_case_is_priced_to_the_cent(string id)
    {
        var (tariff, periods, end) = TariffCases.Load(id);
        var expected = TariffCases.Case(id)["expected"]!;

        var price = PricingEngine.Price(tariff, periods, end);

        Assert.Equal(TariffCases.Dec(expected["total_cost_cents"]!["excl_vat"]!), price.TotalRounded.ExclVat);
        Assert.Equal(TariffCases.Dec(expected["total_cost_cents"]!["incl_vat"]!), price.TotalRounded.InclVat);
    }

    [Theory]
    [MemberData(nameof(TariffCases.Ids), MemberType = typeof(TariffCases))]
    public void Each_case_matches_the_exact_total_and_sub_totals(string id)
    {
        var (tariff, periods, end) = TariffCases.Load(id);
        var exact = TariffCases.Case(id)["expected"]!["exact"]!.AsObject();

        var price = PricingEngine.Price(tariff, periods, end);

        foreach (var (name, value) in exact)
        {
            var actual = name switch
            {
                "total_cost" => price.Total,
                "total_energy_cost" => price.CostOf(TariffDimension.Energy),
                "total_time_cost" => price.CostOf(TariffDimension.Time),
                "total_parking_cost" => price.CostOf(TariffDimension.ParkingTime),
                "total_fixed_cost" => price.CostOf(TariffDimension.Flat),
                _ => throw new InvalidOperationException($"unknown sub-total {name}"),
            };
            Assert.Equal(Math.Round(TariffCases.Dec(value!["excl_vat"]!), 12), Math.Round(actual.ExclVat, 12));
            Assert.Equal(Math.Round(TariffCases.Dec(value!["incl_vat"]!), 12), Math.Round(actual.InclVat, 12));
        }
    }
}
