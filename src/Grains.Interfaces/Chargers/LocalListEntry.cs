namespace Charge.Grains.Interfaces;

/// <summary>One id_tag of a local list; no info removes it from the charger's list (a differential update).</summary>
[GenerateSerializer]
[Alias("charge.LocalListEntry")]
public sealed record LocalListEntry(
    [property: Id(0)] string IdTag,
    [property: Id(1)] TokenAuthorization? Info);
