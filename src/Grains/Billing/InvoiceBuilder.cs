using System.Collections.Immutable;
using System.Globalization;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Billing;

/// <summary>Who issues invoices: legal name, address and VAT ID (Charge:Billing).</summary>
public sealed record Seller(string Name, string Address, string VatId)
{
    public static Seller Of(BillingOptions options) => new(options.Seller, options.SellerAddress, options.SellerVatId);
}

/// <summary>A completed, priced session as an invoice; an invoice as its credit note. Pure.</summary>
public static class InvoiceBuilder
{
    public static BillTo BillTo(CustomerView customer) => new(customer.CustomerId, customer.Info.Name, customer.Info.Email,
        customer.Info.Address, customer.Info.City, customer.Info.PostalCode, customer.Info.Country, customer.Info.VatId);

    public static Invoice ForSession(string number, SessionView session, ImmutableArray<string> tariffExplained, SiteInfo? site, Seller seller, BillTo? billTo, DateTime issuedAt)
    {
        var cost = session.Cost ?? throw new InvalidOperationException($"session {session.SessionId} has no price");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone);
        var lines = Lines(cost);

        return new Invoice
        {
            Number = number,
            Kind = InvoiceKind.Invoice,
            IssuedAt = issuedAt,
            SessionId = session.SessionId,
            ChargerId = session.ChargerId,
            ConnectorId = session.ConnectorId,
            SiteId = session.SiteId,
            SiteName = site?.Name,
            SiteAddress = site is null ? "" : SiteAddress(site),
            IdTag = session.IdTag,
            TimeZone = session.TimeZone,
            LocalStart = LocalTime.Iso(session.StartedAt, zone),
            LocalStop = LocalTime.Iso(session.StoppedAt ?? session.StartedAt, zone),
            EnergyKwh = session.EnergyWh / 1000m,
            DurationSeconds = (long)((session.StoppedAt ?? session.StartedAt) - session.StartedAt).TotalSeconds,
            Currency = cost.Currency,
            MinorUnits = cost.MinorUnits,
            TariffId = session.Tariff?.TariffId,
            TariffVersion = session.Tariff?.Version,
            TariffExplained = tariffExplained,
            Lines = lines,
            Total = cost.TotalRounded,
            Seller = seller.Name,
            SellerAddress = seller.Address,
            SellerVatId = seller.VatId,
            BillTo = billTo,
            VatBreakdown = Breakdown(Exact(lines), cost.TotalRounded, cost.MinorUnits),
        };
    }

    /// <summary>A priced session's lines: per dimension and price, full precision, and the min/max price adjustment.</summary>
    private static ImmutableArray<InvoiceLine> Lines(CostBreakdown cost)
    {
        var lines = ImmutableArray.CreateBuilder<InvoiceLine>();
        foreach (var group in cost.Periods
                     .GroupBy(p => (p.Dimension, p.UnitPrice, p.Vat))
                     .OrderBy(g => g.Key.Dimension).ThenBy(g => g.Min(p => p.Start)))
        {
            var (dimension, price, vat) = group.Key;
            var several = cost.Periods.Where(p => p.Dimension == dimension).Select(p => p.UnitPrice).Distinct().Count() > 1;
            var (name, unit) = dimension switch
            {
                TariffDimension.Energy => ("Energy", "kWh"),
                TariffDimension.Time => ("Charging time", "h"),
                TariffDimension.ParkingTime => ("Parking time", "h"),
                _ => ("Session fee", "session"),
            };
            var description = several ? $"{name} at {cost.Currency} {TariffExplainer.Number(price)}/{unit}" : name;
            lines.Add(new InvoiceLine(description, group.Sum(p => p.Volume), unit, price, vat,
                group.Aggregate(Money.Zero, (sum, p) => sum + p.Cost)));
        }

        // min_price / max_price move the total away from the sum of the lines (pricing rule 1): show the difference.
        var sum = lines.Aggregate(Money.Zero, (s, l) => s + l.Amount);
        if (cost.MinPriceApplied || cost.MaxPriceApplied)
        {
            var adjustment = new Money(cost.Total.ExclVat - sum.ExclVat, cost.Total.InclVat - sum.InclVat);
            lines.Add(new InvoiceLine(cost.MinPriceApplied ? "Minimum session price" : "Maximum session price", 1, "session",
                adjustment.ExclVat, null, adjustment));
        }

        return lines.ToImmutable();
    }

    /// <summary>Each VAT rate's exact amounts over the lines (a line without a rate, such as a min/max price adjustment, is a row of its own).</summary>
    public static ImmutableArray<VatAmount> Exact(IEnumerable<InvoiceLine> lines) =>
        [.. lines.GroupBy(l => l.VatPercent)
            .Select(g => new VatAmount(g.Key, g.Aggregate(Money.Zero, (sum, l) => sum + l.Amount)))];

    /// <summary>
    /// The VAT breakdown an invoice prints: each rate's exact amounts rounded to the minor unit (half away from zero),
    /// and the rounding difference against the total (rounded once, pricing rule 8; at most a minor unit per rate) put
    /// on the largest row, so the rows add up to the total to the cent.
    /// </summary>
    public static ImmutableArray<VatAmount> Breakdown(IEnumerable<VatAmount> exact, Money total, int minor)
    {
        var rows = exact.GroupBy(v => v.RatePercent)
            .Select(g => (Rate: g.Key, Excl: Round(g.Sum(v => v.Amount.ExclVat), minor), Incl: Round(g.Sum(v => v.Amount.InclVat), minor)))
            .OrderBy(r => r.Rate is null ? 1 : 0).ThenByDescending(r => r.Rate)
            .ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var largest = rows.IndexOf(rows.MaxBy(r => Math.Abs(r.Incl)));
        rows[largest] = (rows[largest].Rate,
            rows[largest].Excl + total.ExclVat - rows.Sum(r => r.Excl),
            rows[largest].Incl + total.InclVat - rows.Sum(r => r.Incl));
        return [.. rows.Select(r => new VatAmount(r.Rate, new Money(r.Excl, r.Incl)))];
    }

    /// <summary>What a monthly invoice says of one session: where and when, energy, and its exact total.</summary>
    public static StatementEntry Entry(SessionView session, ImmutableArray<string> tariffExplained, string? siteName)
    {
        var cost = session.Cost ?? throw new InvalidOperationException($"session {session.SessionId} has no price");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone);
        var where = siteName is null ? $"charger {session.ChargerId}" : $"{siteName}, charger {session.ChargerId}";
        var description = $"{LocalTime.Iso(session.StartedAt, zone)[..16].Replace('T', ' ')} {where}: {(session.EnergyWh / 1000m).ToString("0.000", CultureInfo.InvariantCulture)} kWh";
        var lines = Lines(cost);
        return new StatementEntry(session.SessionId, description, session.EnergyWh / 1000m, cost.Currency, cost.MinorUnits, cost.Total,
            $"{session.Tariff?.TariffId} v{session.Tariff?.Version}", tariffExplained, Exact(lines));
    }

    /// <summary>Where the site is, on one line: "Kade 1, 1011AB Amsterdam, NLD" (parts left empty are left out).</summary>
    public static string SiteAddress(SiteInfo site) =>
        string.Join(", ", new[] { site.Address, $"{site.PostalCode} {site.City}".Trim(), site.Country }.Where(p => p.Length > 0));

    /// <summary>
    /// One account's month (an id_tag's, or a customer's for all its tags): a line per session at its exact price;
    /// the total is the sum rounded once at the end (pricing rule 8), so a month costs what its sessions cost, not the
    /// sum of separately rounded totals. The VAT breakdown adds the sessions' exact amounts per rate.
    /// </summary>
    public static Invoice ForMonth(string number, string account, string period, IReadOnlyList<StatementEntry> entries, Seller seller, BillTo? billTo, DateTime issuedAt,
        string billingTimeZone)
    {
        var ordered = entries.OrderBy(e => e.Description, StringComparer.Ordinal).ToList();
        if (ordered.Select(e => e.Currency).Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"{account} {period}: sessions in more than one currency");
        }

        var total = ordered.Aggregate(Money.Zero, (sum, e) => sum + e.Total);
        var minor = ordered[0].MinorUnits;
        return new Invoice
        {
            Number = number,
            Kind = InvoiceKind.Invoice,
            IssuedAt = issuedAt,
            SessionId = $"{account}|{period}",
            ChargerId = "",
            // A customer's statement covers several tags: it is addressed to the customer, not to one tag.
            IdTag = billTo is null ? account : "",
            // The billing calendar's zone: the month is its month, and the issue date is told in it.
            TimeZone = billingTimeZone,
            LocalStart = "",
            LocalStop = "",
            EnergyKwh = ordered.Sum(e => e.EnergyKwh),
            Currency = ordered[0].Currency,
            MinorUnits = minor,
            TariffExplained = [.. ordered.GroupBy(e => e.TariffKey).SelectMany(g => g.First().TariffExplained.Select(t => $"Tariff {g.Key}: {t}"))],
            Lines = [.. ordered.Select(e => new InvoiceLine(e.Description, 1, "session", e.Total.ExclVat, null, e.Total))],
            Total = new Money(Round(total.ExclVat, minor), Round(total.InclVat, minor)),
            Seller = seller.Name,
            SellerAddress = seller.Address,
            SellerVatId = seller.VatId,
            BillTo = billTo,
            VatBreakdown = Breakdown(ordered.SelectMany(e => e.Vat.IsDefault ? [new VatAmount(null, e.Total)] : e.Vat),
                new Money(Round(total.ExclVat, minor), Round(total.InclVat, minor)), minor),
            Period = period,
            SessionIds = [.. ordered.Select(e => e.SessionId)],
        };
    }

    private static decimal Round(decimal value, int minor) => Math.Round(value, minor, MidpointRounding.AwayFromZero);

    /// <summary>The credit note reversing an invoice: the same lines and total, negated.</summary>
    public static Invoice CreditNote(string number, Invoice invoice, string reason, DateTime issuedAt) => invoice with
    {
        Number = number,
        Kind = InvoiceKind.CreditNote,
        IssuedAt = issuedAt,
        Lines = [.. invoice.Lines.Select(l => l with { Quantity = -l.Quantity, Amount = Negate(l.Amount) })],
        Total = Negate(invoice.Total),
        // Every amount of a credit note is the negative of its invoice's, so the two sum to nothing, VAT included.
        VatBreakdown = invoice.VatBreakdown.IsDefault ? [] : [.. invoice.VatBreakdown.Select(v => v with { Amount = Negate(v.Amount) })],
        Reverses = invoice.Number,
        CreditedBy = null,
        Reason = reason,
    };

    /// <summary>"{prefix}-{year}-{sequence}", the sequence zero-padded to six digits so numbers sort as they were issued.</summary>
    public static string Number(string prefix, int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{year}-{sequence:000000}");

    private static Money Negate(Money m) => new(-m.ExclVat, -m.InclVat);
}
