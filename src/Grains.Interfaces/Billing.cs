using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum InvoiceKind
{
    Invoice = 0,
    /// <summary>Reverses an invoice: same lines, negative amounts.</summary>
    CreditNote = 1,
}

/// <summary>One line a driver reads: what, how much, at what price, for how much (full precision, pricing rule 8).</summary>
[GenerateSerializer]
[Alias("charge.InvoiceLine")]
public sealed record InvoiceLine(
    [property: Id(0)] string Description,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] string Unit,
    [property: Id(3)] decimal UnitPriceExclVat,
    [property: Id(4)] decimal? VatPercent,
    [property: Id(5)] Tariffs.Money Amount);

/// <summary>An issued invoice or credit note. Never changes once issued; a credit note reverses it.</summary>
[GenerateSerializer]
[Alias("charge.Invoice")]
public sealed record Invoice
{
    [Id(0)] public required string Number { get; init; }
    [Id(1)] public InvoiceKind Kind { get; init; }
    [Id(2)] public DateTime IssuedAt { get; init; }
    [Id(3)] public required string SessionId { get; init; }
    [Id(4)] public required string ChargerId { get; init; }
    [Id(5)] public int ConnectorId { get; init; }
    [Id(6)] public string? SiteId { get; init; }
    [Id(7)] public string? SiteName { get; init; }
    [Id(8)] public required string IdTag { get; init; }
    [Id(9)] public required string TimeZone { get; init; }
    /// <summary>Start and stop in the site's local time, ISO 8601 with offset.</summary>
    [Id(10)] public required string LocalStart { get; init; }
    [Id(11)] public required string LocalStop { get; init; }
    [Id(12)] public decimal EnergyKwh { get; init; }
    [Id(13)] public long DurationSeconds { get; init; }
    [Id(14)] public required string Currency { get; init; }
    [Id(15)] public int MinorUnits { get; init; } = 2;
    [Id(16)] public string? TariffId { get; init; }
    [Id(17)] public int? TariffVersion { get; init; }
    /// <summary>The tariff in words, as it stood when the session started.</summary>
    [Id(18)] public ImmutableArray<string> TariffExplained { get; init; } = [];
    [Id(19)] public ImmutableArray<InvoiceLine> Lines { get; init; } = [];
    /// <summary>The amount due: the priced total rounded to the minor unit, half away from zero.</summary>
    [Id(20)] public Tariffs.Money Total { get; init; }
    [Id(21)] public string? Reverses { get; init; }
    [Id(22)] public string? CreditedBy { get; init; }
    [Id(23)] public string Reason { get; init; } = "";
    [Id(24)] public required string Seller { get; init; }
    /// <summary>A monthly invoice: its local month (yyyy-MM) and the sessions it bills, one line each; null for a session's invoice.</summary>
    [Id(25)] public string? Period { get; init; }
    [Id(26)] public ImmutableArray<string> SessionIds { get; init; } = [];
    /// <summary>Who the invoice is addressed to: the customer the session's id_tag belonged to; null for a tag without one.</summary>
    [Id(27)] public BillTo? BillTo { get; init; }
    /// <summary>The seller's address and VAT ID (Charge:Billing), printed under <see cref="Seller"/>, its legal name.</summary>
    [Id(28)] public string SellerAddress { get; init; } = "";
    [Id(29)] public string SellerVatId { get; init; } = "";
    /// <summary>Taxable amount and VAT per rate, rounded so the rows add up to <see cref="Total"/>.</summary>
    [Id(30)] public ImmutableArray<VatAmount> VatBreakdown { get; init; } = [];
    /// <summary>Where the session's site is, on one line ("" without a site or address).</summary>
    [Id(31)] public string SiteAddress { get; init; } = "";
}

/// <summary>The customer an invoice is addressed to, as the account read when the invoice was issued.</summary>
[GenerateSerializer]
[Alias("charge.BillTo")]
public sealed record BillTo(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] string Address,
    [property: Id(4)] string City,
    [property: Id(5)] string PostalCode,
    [property: Id(6)] string Country,
    [property: Id(7)] string VatId);

/// <summary>One VAT rate's row: the taxable amount (excl. VAT), the amount incl. VAT, and the VAT between them; a null rate is a line without one.</summary>
[GenerateSerializer]
[Alias("charge.VatAmount")]
public sealed record VatAmount(
    [property: Id(0)] decimal? RatePercent,
    [property: Id(1)] Tariffs.Money Amount)
{
    public decimal Vat => Amount.InclVat - Amount.ExclVat;
}

/// <summary>A completed, priced session as a monthly statement keeps it until the month is invoiced.</summary>
[GenerateSerializer]
[Alias("charge.StatementEntry")]
public sealed record StatementEntry(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string Description,
    [property: Id(2)] decimal EnergyKwh,
    [property: Id(3)] string Currency,
    [property: Id(4)] int MinorUnits,
    [property: Id(5)] Tariffs.Money Total,
    [property: Id(6)] string TariffKey,
    [property: Id(7)] ImmutableArray<string> TariffExplained,
    [property: Id(8)] ImmutableArray<VatAmount> Vat = default);

/// <summary>
/// One account's sessions of one local month (key "{account}|{yyyy-MM}"), invoiced once when the month is closed.
/// The account is an id_tag, or "customer:{id}" for all the tags of a customer.
/// </summary>
[Alias("charge.IMonthlyStatementGrain")]
public interface IMonthlyStatementGrain : IGrainWithStringKey
{
    public const string CustomerPrefix = "customer:";

    public static string Key(string account, string period) => $"{account}|{period}";

    public static string CustomerAccount(string customerId) => CustomerPrefix + customerId;

    /// <summary>
    /// Adds a session once; false when the month is already closed, for this account or the whole period (the session
    /// is then invoiced alone).
    /// </summary>
    [Alias("Add")]
    Task<bool> Add(StatementEntry entry);

    /// <summary>
    /// Issues the month's invoice (once; again returns the same) and returns its number; null when the statement has
    /// no session (it is closed all the same: a later session is invoiced alone).
    /// </summary>
    [Alias("Close")]
    Task<string?> Close();
}

/// <summary>
/// The accounts with sessions in one local month (key yyyy-MM), for closing it. Joining and closing are one grain's
/// turns, so an account either joined before the close (and is invoiced by it) or is told the month is closed.
/// </summary>
[Alias("charge.IBillingPeriodGrain")]
public interface IBillingPeriodGrain : IGrainWithStringKey
{
    /// <summary>Lists the account for the close; false once the month is closed.</summary>
    [Alias("Join")]
    Task<bool> Join(string account);

    /// <summary>Closes the month to new accounts (once; stored before it answers) and returns the accounts to invoice.</summary>
    [Alias("Close")]
    Task<ImmutableArray<string>> Close();

    [Alias("IdTags")]
    Task<ImmutableArray<string>> IdTags();
}

/// <summary>
/// The single writer of one invoice series (key "{operator}:{year}"): hands out numbers without gaps or repeats.
/// A number is reserved for a document ID until confirmed; asking again for the same document gets the same number,
/// so a caller that failed between reserving and issuing retries without leaving a gap.
/// </summary>
[Alias("charge.IInvoiceNumberGrain")]
public interface IInvoiceNumberGrain : IGrainWithStringKey
{
    [Alias("Reserve")]
    Task<long> Reserve(string documentId);

    [Alias("Confirm")]
    Task Confirm(string documentId);

    /// <summary>Numbers handed out so far (the last one).</summary>
    [Alias("Last")]
    Task<long> Last();
}

/// <summary>An issued document, keyed by its number.</summary>
[Alias("charge.IInvoiceGrain")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>Stores the document under this number; issuing the same document again is a no-op, a different one is refused.</summary>
    [Alias("Issue")]
    Task<Invoice> Issue(Invoice invoice);

    /// <summary>Null when no document has this number.</summary>
    [Alias("Get")]
    Task<Invoice?> Get();

    /// <summary>Marks this invoice as reversed by a credit note (once).</summary>
    [Alias("MarkCredited")]
    Task<Invoice> MarkCredited(string creditNoteNumber);
}

/// <summary>An issued document as a list shows it.</summary>
[GenerateSerializer]
[Alias("charge.InvoiceSummary")]
public sealed record InvoiceSummary(
    [property: Id(0)] string Number,
    [property: Id(1)] InvoiceKind Kind,
    [property: Id(2)] DateTime IssuedAt,
    [property: Id(3)] string SessionId,
    [property: Id(4)] string IdTag,
    [property: Id(5)] string? CustomerId,
    [property: Id(6)] string Currency,
    [property: Id(7)] Tariffs.Money Total,
    [property: Id(8)] string? Period,
    [property: Id(9)] string? Reverses,
    [property: Id(10)] string? CreditedBy = null)
{
    public static InvoiceSummary Of(Invoice i) =>
        new(i.Number, i.Kind, i.IssuedAt, i.SessionId, i.IdTag, i.BillTo?.CustomerId, i.Currency, i.Total, i.Period, i.Reverses, i.CreditedBy);
}

/// <summary>
/// The documents issued to one account in one month of the billing calendar, keyed "idtag:{tag}|{yyyy-MM}" or
/// "customer:{id}|{yyyy-MM}": one grain per account and month, so no grain sees every invoice of the network.
/// </summary>
[Alias("charge.IInvoiceIndexGrain")]
public interface IInvoiceIndexGrain : IGrainWithStringKey
{
    public static string IdTagKey(string idTag, string month) => $"idtag:{idTag}|{month}";

    public static string CustomerKey(string customerId, string month) => $"customer:{customerId}|{month}";

    /// <summary>Adds a document once (by number).</summary>
    [Alias("Add")]
    Task Add(InvoiceSummary summary);

    [Alias("List")]
    Task<ImmutableArray<InvoiceSummary>> List();
}

/// <summary>Issues documents: a session's invoice, and credit notes. Stateless: numbering lives in the number grain.</summary>
[Alias("charge.IBillingGrain")]
public partial interface IBillingGrain : IGrainWithStringKey
{
    /// <summary>Issues a credit note reversing the invoice; a second request for the same invoice returns the first credit note.</summary>
    [Alias("CreditInvoice")]
    Task<Invoice> CreditInvoice(string invoiceNumber, string reason);
}

/// <summary>Which completed sessions an export covers: local start dates [From, To], optionally one charger or site.</summary>
[GenerateSerializer]
[Alias("charge.ExportQuery")]
public sealed record ExportQuery(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly To,
    [property: Id(2)] string? ChargerId = null,
    [property: Id(3)] string? SiteId = null);

/// <summary>What an OCPI CDR says about the party issuing it (configuration of the silo's billing).</summary>
[GenerateSerializer]
[Alias("charge.CdrParty")]
public sealed record CdrParty([property: Id(0)] string CountryCode, [property: Id(1)] string PartyId);

/// <summary>A priced session with what its CDR needs besides: where it happened and the tariff as the operator put it.</summary>
[GenerateSerializer]
[Alias("charge.CdrSession")]
public sealed record CdrSession(
    [property: Id(0)] SessionView Session,
    [property: Id(1)] SiteInfo? Site,
    [property: Id(2)] ConnectorKind Connector,
    [property: Id(3)] string? TariffOcpiJson);

/// <summary>The records behind the exports; the gateway renders them (OCPI JSON, CSV).</summary>
[GenerateSerializer]
[Alias("charge.CdrExportData")]
public sealed record CdrExportData([property: Id(0)] CdrParty Party, [property: Id(1)] ImmutableArray<CdrSession> Sessions);

/// <summary>Exports and month closes, made in the silo where the archive is.</summary>
public partial interface IBillingGrain
{
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

/// <summary>
/// What follows a completed session (key: its session ID): the reporting archive, the usage statistics and the
/// invoice, each done once however often it is asked.
/// </summary>
[Alias("charge.ISettlementGrain")]
public interface ISettlementGrain : IGrainWithStringKey
{
    /// <summary>Does the steps not done yet for this completed session; a failure throws and the caller retries.</summary>
    [Alias("Settle")]
    Task<Settlement> Settle(SessionView session);

    /// <summary>
    /// Reverses the settled session's revenue in the usage figures and marks the session credited by the note; done
    /// once however often it is asked, so a retried credit note never counts twice.
    /// </summary>
    [Alias("Credit")]
    Task Credit(string creditNoteNumber);
}

/// <summary>A settled session: its invoice number, when it has an invoice of its own (none without a tariff, or on a monthly statement).</summary>
[GenerateSerializer]
[Alias("charge.Settlement")]
public sealed record Settlement([property: Id(0)] string? InvoiceNumber);
