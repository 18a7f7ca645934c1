using System.Globalization;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Billing;

/// <summary>A tariff in sentences a driver understands: one per price component, with when it applies.</summary>
public static class TariffExplainer
{
    public static IEnumerable<string> Explain(Tariff tariff)
    {
        foreach (var element in tariff.Elements)
        {
            var when = When(element.Restrictions);
            foreach (var c in element.PriceComponents)
            {
                var price = $"{tariff.Currency} {Number(c.Price)}";
                var what = c.Type switch
                {
                    TariffDimension.Energy => $"{price} per kWh",
                    TariffDimension.Time => $"{price} per hour of charging",
                    TariffDimension.ParkingTime => $"{price} per hour parked without charging",
                    _ => $"{price} per session",
                };
                var step = c.Type switch
                {
                    TariffDimension.Energy when c.StepSize > 1 => $", billed in steps of {c.StepSize} Wh",
                    TariffDimension.Time or TariffDimension.ParkingTime when c.StepSize > 1 => $", billed in steps of {Duration(c.StepSize)}",
                    _ => "",
                };
                var vat = c.Vat is { } v ? $" excl. {Number(v)}% VAT" : " (no VAT)";
                yield return Capitalise($"{what}{vat}{step}{(when.Length > 0 ? ", " + when : "")}.");
            }
        }

        if (tariff.MinPrice is { } min)
        {
            yield return $"A session costs at least {tariff.Currency} {Number(min.ExclVat)} excl. VAT.";
        }

        if (tariff.MaxPrice is { } max)
        {
            yield return $"A session costs at most {tariff.Currency} {Number(max.ExclVat)} excl. VAT.";
        }

        yield return $"Times are local times in {tariff.TimeZone}.";
    }

    private static string When(TariffRestrictions? r)
    {
        if (r is null)
        {
            return "";
        }

        var parts = new List<string>();
        if (r.StartTime is { } from && r.EndTime is { } to)
        {
            parts.Add($"from {Time(from)} to {Time(to)}");
        }
        else if (r.StartTime is { } s)
        {
            parts.Add($"from {Time(s)}");
        }
        else if (r.EndTime is { } e)
        {
            parts.Add($"until {Time(e)}");
        }

        if (!r.DayOfWeek.IsDefaultOrEmpty)
        {
            parts.Add("on " + string.Join(", ", r.DayOfWeek.Select(d => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(d))));
        }

        if (r.StartDate is { } sd)
        {
            parts.Add($"from {sd:yyyy-MM-dd}");
        }

        if (r.EndDate is { } ed)
        {
            parts.Add($"before {ed:yyyy-MM-dd}");
        }

        if (r.MinKwh is { } minKwh)
        {
            parts.Add($"after the first {Number(minKwh)} kWh");
        }

        if (r.MaxKwh is { } maxKwh)
        {
            parts.Add($"up to {Number(maxKwh)} kWh");
        }

        if (r.MinDuration is { } minD)
        {
            parts.Add($"after {Duration(minD)}");
        }

        if (r.MaxDuration is { } maxD)
        {
            parts.Add($"for the first {Duration(maxD)}");
        }

        if (r.MinPower is { } minP)
        {
            parts.Add($"when charging at {Number(minP)} kW or more");
        }

        if (r.MaxPower is { } maxP)
        {
            parts.Add($"when charging below {Number(maxP)} kW");
        }

        if (r.MinCurrent is { } minA)
        {
            parts.Add($"when charging at {Number(minA)} A or more");
        }

        if (r.MaxCurrent is { } maxA)
        {
            parts.Add($"when charging below {Number(maxA)} A");
        }

        return string.Join(", ", parts);
    }

    private static string Time(TimeOnly t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Duration(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600} h" : seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";

    public static string Number(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Capitalise(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
