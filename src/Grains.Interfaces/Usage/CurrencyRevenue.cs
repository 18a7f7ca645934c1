using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What priced sessions earned in one currency: the invoiced totals (each session's total rounded to the minor unit)
/// less what credit notes gave back, the sessions and the energy they delivered. A session counts on the local day it
/// started, like its count, and so does a credit of it, whenever the credit note was issued.
/// </summary>
[GenerateSerializer]
[Alias("charge.CurrencyRevenue")]
public sealed record CurrencyRevenue(
    [property: Id(0)] string Currency,
    [property: Id(1)] Tariffs.Money Amount,
    [property: Id(2)] int Sessions,
    [property: Id(3)] decimal EnergyWh,
    [property: Id(4)] Tariffs.Money Credited = default,
    [property: Id(5)] int CreditedSessions = 0)
{
    /// <summary>A credit note's reversal of one session's revenue: the amount leaves the revenue and is shown as credited.</summary>
    public static CurrencyRevenue Credit(string currency, Tariffs.Money amount) =>
        new(currency, Tariffs.Money.Zero - amount, 0, 0m, amount, 1);

    /// <summary>Revenue per kWh delivered by the priced sessions (excl. and incl. VAT, full precision); zero without energy.</summary>
    public Tariffs.Money PerKwh => EnergyWh == 0 ? Tariffs.Money.Zero
        : new Tariffs.Money(Amount.ExclVat * 1000m / EnergyWh, Amount.InclVat * 1000m / EnergyWh);

    public static ImmutableArray<CurrencyRevenue> Sum(IEnumerable<CurrencyRevenue> parts) =>
    [
        .. parts.GroupBy(p => p.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyRevenue(g.Key, g.Aggregate(Tariffs.Money.Zero, (sum, p) => sum + p.Amount), g.Sum(p => p.Sessions), g.Sum(p => p.EnergyWh),
                g.Aggregate(Tariffs.Money.Zero, (sum, p) => sum + p.Credited), g.Sum(p => p.CreditedSessions))),
    ];
}
