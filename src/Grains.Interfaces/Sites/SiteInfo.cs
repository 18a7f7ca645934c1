using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What an operator says about a site: its name, where it is (for CDRs and invoices) and its IANA time zone (for local times and reports).</summary>
[GenerateSerializer]
[Alias("charge.SiteInfo")]
public sealed record SiteInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] string Address = "",
    [property: Id(3)] string City = "",
    [property: Id(4)] string PostalCode = "",
    [property: Id(5)] string Country = "");
