using System.Globalization;
using Charge.Api.V1;
using Charge.Grains.Interfaces.Tariffs;
using ApiMoney = Charge.Api.V1.Money;
using ApiDimensionCost = Charge.Api.V1.DimensionCost;
using ApiPricedPeriod = Charge.Api.V1.PricedPeriod;
using DomainMoney = Charge.Grains.Interfaces.Tariffs.Money;

namespace Charge.Gateway.Services;

/// <summary>Prices on the wire: exact decimal strings, the invoice total fixed to the currency's minor unit.</summary>
public static class CostMapping
{
    public static Cost ToApi(this CostBreakdown cost, TariffRef? tariff)
    {
        var minor = cost.MinorUnits;
        var api = new Cost
        {
            TariffId = tariff?.TariffId ?? "",
            TariffVersion = tariff?.Version ?? 0,
            Currency = cost.Currency,
            Total = Fixed(cost.TotalRounded, minor),
            TotalExact = Exact(cost.Total),
            MinPriceApplied = cost.MinPriceApplied,
            MaxPriceApplied = cost.MaxPriceApplied,
        };
        foreach (var d in cost.Dimensions)
        {
            api.Dimensions.Add(new ApiDimensionCost
            {
                Dimension = Name(d.Dimension),
                Volume = Text(d.Volume),
                BilledVolume = Text(d.BilledVolume),
                Cost = Exact(d.Cost),
            });
        }

        foreach (var p in cost.Periods)
        {
            api.Periods.Add(new ApiPricedPeriod
            {
                Start = Mapping.Ts(p.Start),
                End = Mapping.Ts(p.End),
                Dimension = Name(p.Dimension),
                Element = p.ElementIndex,
                Volume = Text(p.Volume),
                UnitPrice = Text(p.UnitPrice),
                Vat = p.Vat is { } vat ? Text(vat) : "",
                Cost = Exact(p.Cost),
            });
        }

        return api;
    }

    public static string Name(TariffDimension dimension) => dimension switch
    {
        TariffDimension.Energy => "ENERGY",
        TariffDimension.Flat => "FLAT",
        TariffDimension.ParkingTime => "PARKING_TIME",
        _ => "TIME",
    };

    /// <summary>A decimal without trailing zeros or exponent.</summary>
    public static string Text(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static ApiMoney Exact(DomainMoney money) => new() { ExclVat = Text(money.ExclVat), InclVat = Text(money.InclVat) };

    private static ApiMoney Fixed(DomainMoney money, int minor) => new()
    {
        ExclVat = money.ExclVat.ToString("F" + minor, CultureInfo.InvariantCulture),
        InclVat = money.InclVat.ToString("F" + minor, CultureInfo.InvariantCulture),
    };
}
