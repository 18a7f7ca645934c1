using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Issues documents: a session's invoice, and credit notes. Stateless: numbering lives in the number grain.</summary>
[Alias("charge.IBillingGrain")]
public interface IBillingGrain : IGrainWithStringKey
{
    /// <summary>Issues a credit note reversing the invoice; a second request for the same invoice returns the first credit note.</summary>
    [Alias("CreditInvoice")]
    Task<Invoice> CreditInvoice(string invoiceNumber, string reason);

    // Exports and month closes, made in the silo where the archive is.
    /// <summary>The priced sessions in the query with their CDR context, for OCPI 2.2.1 CDRs.</summary>
    [Alias("CdrSessions")]
    Task<CdrExportData> CdrSessions(ExportQuery query);

    /// <summary>Up to <paramref name="take"/> documents issued in the month (yyyy-MM, billing calendar) with numbers after <paramref name="after"/>.</summary>
    [Alias("Invoices")]
    Task<ImmutableArray<InvoiceSummary>> Invoices(string month, string? after, int take);

    /// <summary>Every completed session in the query (priced or not), by start time.</summary>
    [Alias("CompletedSessions")]
    Task<ImmutableArray<SessionView>> CompletedSessions(ExportQuery query);

    /// <summary>Invoices every id_tag's sessions of a local month that has ended (monthly invoicing); returns the invoice numbers.</summary>
    [Alias("CloseMonth")]
    Task<ImmutableArray<string>> CloseMonth(string period);
}
