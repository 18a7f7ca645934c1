using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Which usage a report covers: the network, a site, or a charger.</summary>
[GenerateSerializer]
[Alias("charge.UsageScope")]
public sealed record UsageScope(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Id)
{
    public const string Network = "network";
    public const string Site = "site";
    public const string Charger = "charger";

    public static UsageScope OfNetwork { get; } = new(Network, null);

    /// <summary>The scope as it appears in usage-day keys.</summary>
    public string Key => Id is null ? Kind : $"{Kind}:{Id}";
}
