namespace Charge.Grains.Interfaces;

/// <summary>A local authorization list update (OCPP 1.6 SendLocalList): Full replaces the list, Differential changes it.</summary>
[GenerateSerializer]
[Alias("charge.LocalListUpdate")]
public sealed record LocalListUpdate(
    [property: Id(0)] int ListVersion,
    [property: Id(1)] bool Full,
    [property: Id(2)] System.Collections.Immutable.ImmutableArray<LocalListEntry> Entries);
