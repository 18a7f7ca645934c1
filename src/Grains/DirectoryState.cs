using System.Collections.Immutable;

namespace Charge.Grains;

/// <summary>A sorted list of IDs for a registry's listing: one place for insert, remove and paging by key.</summary>
[GenerateSerializer]
[Alias("charge.DirectoryState")]
public sealed record DirectoryState
{
    /// <summary>IDs in ordinal order.</summary>
    [Id(0)] public List<string> Ids { get; set; } = [];

    /// <summary>Adds an ID; whether it was new.</summary>
    public bool Add(string id)
    {
        var at = Ids.BinarySearch(id, StringComparer.Ordinal);
        if (at >= 0)
        {
            return false;
        }

        Ids.Insert(~at, id);
        return true;
    }

    public bool Contains(string id) => Ids.BinarySearch(id, StringComparer.Ordinal) >= 0;

    public bool Remove(string id)
    {
        var at = Ids.BinarySearch(id, StringComparer.Ordinal);
        if (at < 0)
        {
            return false;
        }

        Ids.RemoveAt(at);
        return true;
    }

    /// <summary>IDs after <paramref name="after"/> (exclusive), at most <paramref name="limit"/>.</summary>
    public ImmutableArray<string> Page(string? after, int limit)
    {
        var from = 0;
        if (after is not null)
        {
            var at = Ids.BinarySearch(after, StringComparer.Ordinal);
            from = at >= 0 ? at + 1 : ~at;
        }

        return [.. Ids.Skip(from).Take(limit)];
    }
}
