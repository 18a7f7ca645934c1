using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Every registered charger ID (key <see cref="Key"/>), in order, for the fleet list.</summary>
[Alias("charge.IChargerDirectoryGrain")]
public interface IChargerDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string chargerId);

    /// <summary>Charger IDs after <paramref name="after"/> (exclusive, ordinal order), at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<string>> List(string? after, int limit);

    /// <summary>
    /// Whether the charger was ever registered: a gateway asks before it verifies a credential, so a request naming an
    /// invented charger ID is refused without bringing a charger grain into memory and reading its storage.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("Contains")]
    Task<bool> Contains(string chargerId);
}
