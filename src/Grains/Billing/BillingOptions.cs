using System.ComponentModel.DataAnnotations;

namespace Charge.Grains.Billing;

public enum InvoicePeriod
{
    Session = 0,
    IdTagMonth = 1,
}

/// <summary>Who bills and how documents are numbered, bound from <c>Charge:Billing</c>.</summary>
public sealed class BillingOptions
{
    public const string Section = "Charge:Billing";

    /// <summary>The operator's name as printed on invoices.</summary>
    [Required]
    public string Seller { get; set; } = "Orleans.Charge operator";

    /// <summary>The seller's address as printed on invoices (one line; commas separate its parts).</summary>
    [MaxLength(500)]
    public string SellerAddress { get; set; } = "";

    /// <summary>The seller's VAT identification number, required on EU invoices.</summary>
    [RegularExpression("^([A-Z]{2}[A-Za-z0-9]{2,13})?$")]
    public string SellerVatId { get; set; } = "";

    /// <summary>The operator whose series an invoice number belongs to.</summary>
    [Required, RegularExpression("^[A-Za-z0-9-]{1,16}$")]
    public string OperatorId { get; set; } = "OP";

    /// <summary>Invoice numbers read "{prefix}-{year}-{sequence:000000}".</summary>
    [Required, RegularExpression("^[A-Za-z0-9]{1,8}$")]
    public string InvoicePrefix { get; set; } = "INV";

    /// <summary>The time zone whose calendar year an invoice's number belongs to.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Session: an invoice per completed session. IdTagMonth: one invoice per account per local month, issued when
    /// the operator closes the month; the account is the id_tag's customer (all its tags on one statement), or the
    /// id_tag itself when it has none.
    /// </summary>
    public InvoicePeriod InvoicePer { get; set; } = InvoicePeriod.Session;

    /// <summary>OCPI party of the CDRs: ISO 3166 alpha-2 country and the 3-character party ID.</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string CountryCode { get; set; } = "NL";

    [Required, RegularExpression("^[A-Z0-9]{3}$")]
    public string PartyId { get; set; } = "CHG";
}
