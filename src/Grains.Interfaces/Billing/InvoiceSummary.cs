using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
