using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Who pays for a token's sessions: a person or a company, as an invoice addresses them.</summary>
[GenerateSerializer]
[Alias("charge.CustomerInfo")]
public sealed record CustomerInfo(
    [property: Id(0)] CustomerKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email = "",
    [property: Id(3)] string Address = "",
    [property: Id(4)] string City = "",
    [property: Id(5)] string PostalCode = "",
    [property: Id(6)] string Country = "",
    [property: Id(7)] string VatId = "",
    [property: Id(8)] string? TariffGroup = null);
