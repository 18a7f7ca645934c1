using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// Every registered id_tag (key <see cref="Key"/>), for listing, and the registry's version: it counts changes, so a
/// charger's local authorization list can be brought up to date with the tags changed since the version it holds.
/// </summary>
[Alias("charge.ITokenDirectoryGrain")]
public interface ITokenDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>A tag was put (registered) or deleted; returns the registry's new version.</summary>
    [Alias("Changed")]
    Task<long> Changed(string idTag, bool registered);

    [Alias("Version")]
    Task<long> Version();

    /// <summary>The tags changed after <paramref name="version"/>, each once; null when the change log no longer reaches back that far.</summary>
    [Alias("ChangesSince")]
    Task<ImmutableArray<string>?> ChangesSince(long version);

    /// <summary>Registered tags after <paramref name="after"/> (exclusive, ordinal order), at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<string>> List(string? after, int limit);
}
