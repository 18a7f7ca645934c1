using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
