using System.Globalization;
using System.Net;
using System.Text;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Billing;

/// <summary>
/// An invoice or credit note as a self-contained printable HTML page, for people: dates in words in the invoice's time
/// zone (the site's, or the billing calendar's for a month), amounts to the minor unit, unit prices to at most four
/// decimals. The JSON document keeps every amount at full precision.
/// </summary>
public static class InvoiceHtml
{
    public static string Render(Invoice invoice)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        string Amount(decimal value) => Math.Round(value, invoice.MinorUnits, MidpointRounding.AwayFromZero).ToString("N" + invoice.MinorUnits, CultureInfo.InvariantCulture);
        var zone = Zone(invoice.TimeZone);
        var title = invoice.Kind == InvoiceKind.CreditNote ? "Credit note" : "Invoice";
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}} {{E(invoice.Number)}}</title>
            <style>
              body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #222; }
              table { border-collapse: collapse; width: 100%; } th, td { padding: .35rem .5rem; border-bottom: 1px solid #ddd; }
              td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } .total td { font-weight: 600; border-top: 2px solid #222; }
              .muted { color: #666; } .wide { overflow-x: auto; } td { overflow-wrap: break-word; } td.id { word-break: break-all; }
              @media (max-width: 600px) { body { margin: 1rem; font-size: 14px; } th, td { padding: .3rem .25rem; } }
              @media print { body { margin: 0; } }
            </style></head><body>
            <h1>{{title}} <span id="number">{{E(invoice.Number)}}</span></h1>
            <p id="seller"><strong>{{E(invoice.Seller)}}</strong>{{(invoice.SellerAddress.Length > 0 ? "<br>" + E(invoice.SellerAddress) : "")}}{{(invoice.SellerVatId.Length > 0 ? "<br>VAT ID " + E(invoice.SellerVatId) : "")}}<br>Issued <span id="issued">{{E(Issued(invoice.IssuedAt, zone))}}</span></p>
            """);
        if (invoice.BillTo is { } to)
        {
            var place = string.Join(" ", new[] { to.PostalCode, to.City }.Where(p => p.Length > 0));
            var lines = new[] { to.Address, place, to.Country }.Where(p => p.Length > 0).Select(E);
            html.Append($"<p id=\"bill-to\">Bill to:<br><strong>{E(to.Name)}</strong>{string.Concat(lines.Select(l => "<br>" + l))}"
                + (to.VatId.Length > 0 ? $"<br>VAT ID {E(to.VatId)}" : "") + $"<br><span class=\"muted\">Customer {E(to.CustomerId)}</span></p>");
        }

        if (invoice.Reverses is { } reversed)
        {
            html.Append($"<p>Reverses invoice <strong>{E(reversed)}</strong>. Reason: {E(invoice.Reason)}</p>");
        }

        if (invoice.CreditedBy is { } credit)
        {
            html.Append($"<p><strong>Cancelled</strong> by credit note {E(credit)}.</p>");
        }

        if (invoice.Period is { } period)
        {
            html.Append($$"""
                <h2>Charging in {{E(period)}}</h2>
                <p>Driver token {{E(invoice.IdTag)}}: {{invoice.SessionIds.Length}} sessions, {{invoice.EnergyKwh.ToString("0.000", CultureInfo.InvariantCulture)}} kWh.</p>
                """);
        }
        else
        {
            html.Append($$"""
            <h2>Charging session</h2>
            <div class="wide"><table>
            <tr><th>Driver token</th><td>{{E(invoice.IdTag)}}</td></tr>
            <tr><th>Where</th><td>{{E(invoice.SiteName ?? invoice.SiteId ?? "")}} charger {{E(invoice.ChargerId)}}, connector {{invoice.ConnectorId}}{{(invoice.SiteAddress.Length > 0 ? "<br><span id=\"site-address\">" + E(invoice.SiteAddress) + "</span>" : "")}}</td></tr>
            <tr><th>When</th><td id="when">{{E(When(invoice.LocalStart, invoice.LocalStop))}} <span class="muted">({{E(invoice.TimeZone)}})</span></td></tr>
            <tr><th>Energy</th><td>{{invoice.EnergyKwh.ToString("0.000", CultureInfo.InvariantCulture)}} kWh in {{invoice.DurationSeconds / 3600}} h {{invoice.DurationSeconds % 3600 / 60:00}} min</td></tr>
            <tr><th>Session</th><td class="muted id">{{E(invoice.SessionId)}}</td></tr>
            </table></div>
            """);
        }

        html.Append($$"""
            <h2>Charges ({{E(invoice.Currency)}})</h2>
            <div class="wide"><table id="lines">
            <tr><th>Item</th><th class="n">Quantity</th><th class="n">Unit price</th><th class="n">VAT</th><th class="n">Amount excl. VAT</th><th class="n">Amount incl. VAT</th></tr>
            """);
        foreach (var line in invoice.Lines)
        {
            html.Append($"<tr><td>{E(line.Description)}</td><td class=\"n\">{line.Quantity.ToString("0.###", CultureInfo.InvariantCulture)} {E(line.Unit)}</td>"
                        + $"<td class=\"n\">{Number(line.UnitPriceExclVat)}</td><td class=\"n\">{(line.VatPercent is { } v ? Number(v) + "%" : "—")}</td>"
                        + $"<td class=\"n\">{Amount(line.Amount.ExclVat)}</td><td class=\"n\">{Amount(line.Amount.InclVat)}</td></tr>");
        }

        html.Append($$"""
            <tr class="total"><td colspan="4">Total (rounded to the cent)</td><td class="n">{{Amount(invoice.Total.ExclVat)}}</td><td class="n" id="total">{{Amount(invoice.Total.InclVat)}}</td></tr>
            </table></div>
            <p>VAT: {{Amount(invoice.Total.InclVat - invoice.Total.ExclVat)}} {{E(invoice.Currency)}}. Amounts are shown to the cent; the total is the exact sum of the charges rounded once, half away from zero, so a line may differ from its exact amount by less than a cent.</p>
            """);
        if (!invoice.VatBreakdown.IsDefaultOrEmpty)
        {
            html.Append("""<h2>VAT</h2><div class="wide"><table id="vat"><tr><th>Rate</th><th class="n">Taxable amount</th><th class="n">VAT</th><th class="n">Incl. VAT</th></tr>""");
            foreach (var row in invoice.VatBreakdown)
            {
                html.Append($"<tr><td>{(row.RatePercent is { } rate ? Number(rate) + "%" : "no rate")}</td><td class=\"n\">{Amount(row.Amount.ExclVat)}</td>"
                    + $"<td class=\"n\">{Amount(row.Vat)}</td><td class=\"n\">{Amount(row.Amount.InclVat)}</td></tr>");
            }

            html.Append("</table></div>");
        }

        html.Append($$"""
            <h2>Your tariff</h2>
            <p class="muted">{{(invoice.Period is null ? $"Tariff {E(invoice.TariffId)}, version {invoice.TariffVersion}, as in force when the session started." : "The tariffs in force when each session started.")}}</p>
            <ul>
            """);
        foreach (var sentence in invoice.TariffExplained)
        {
            html.Append($"<li>{E(sentence)}</li>");
        }

        html.Append("</ul></body></html>\n");
        return html.ToString();
    }

    private static TimeZoneInfo Zone(string id) =>
        id.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static string Day(DateTimeOffset t) => t.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"7 December 2026, 12:00 (Europe/Amsterdam)": the issue time in the invoice's zone.</summary>
    private static string Issued(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone);
        return $"{Day(local)}, {Clock(local)} ({zone.Id})";
    }

    /// <summary>"7 December 2026, 12:00 to 13:05", or with the stop's date when it is another day.</summary>
    public static string When(string localStart, string localStop)
    {
        if (!DateTimeOffset.TryParse(localStart, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !DateTimeOffset.TryParse(localStop, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stop))
        {
            return $"{localStart} to {localStop}";
        }

        return start.Date == stop.Date
            ? $"{Day(start)}, {Clock(start)} to {Clock(stop)}"
            : $"{Day(start)}, {Clock(start)} to {Day(stop)}, {Clock(stop)}";
    }

    /// <summary>A price or rate as the tariff explanation prints it: at least two decimals, at most four.</summary>
    private static string Number(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);
}
