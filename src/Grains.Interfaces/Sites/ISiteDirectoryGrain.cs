using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Every site ID (key <see cref="Key"/>), for network-wide live views and reports.</summary>
[Alias("charge.ISiteDirectoryGrain")]
public interface ISiteDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string siteId);

    [Alias("Remove")]
    Task Remove(string siteId);

    [Alias("List")]
    Task<ImmutableArray<string>> List();
}
