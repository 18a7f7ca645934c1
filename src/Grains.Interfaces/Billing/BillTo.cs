using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

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
