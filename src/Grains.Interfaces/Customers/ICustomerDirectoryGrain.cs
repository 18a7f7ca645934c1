using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Every customer ID (key <see cref="Key"/>), in order, for listing.</summary>
[Alias("charge.ICustomerDirectoryGrain")]
public interface ICustomerDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string customerId);

    /// <summary>Customer IDs after <paramref name="after"/> (exclusive, ordinal order), at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<string>> List(string? after, int limit);
}
