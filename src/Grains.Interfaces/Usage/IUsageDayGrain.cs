using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One shard of one scope's usage on one local day, key "{scope}|{yyyy-MM-dd}#{shard}" with scope "network",
/// "site:{id}" or "charger:{id}". A session counts in the shard its ID hashes to, so no single record holds a busy
/// day's sessions and no single grain takes every stop of the network; a day's usage is the sum of its shards.
/// </summary>
[Alias("charge.IUsageDayGrain")]
public interface IUsageDayGrain : IGrainWithStringKey
{
    public static string Key(string scope, DateOnly date, int shard) => $"{scope}|{date:yyyy-MM-dd}#{shard}";

    /// <summary>How many shards a scope's day has: the network's takes every stop, a site's many, a charger's few.</summary>
    public static int Shards(string scope) =>
        scope == UsageScope.OfNetwork.Key ? 8 : scope.StartsWith(UsageScope.Site + ":", StringComparison.Ordinal) ? 4 : 1;

    /// <summary>The shard a session counts in (a stable hash of its ID: the same in every process and version).</summary>
    public static int ShardOf(string scope, string sessionId)
    {
        var hash = 2166136261u;
        foreach (var c in sessionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Shards(scope));
    }

    /// <summary>
    /// Adds a session's contribution once: the session stays listed as in flight until <see cref="Release"/>, and a
    /// repeated contribution meanwhile (a retry after a lost answer) is ignored.
    /// </summary>
    [Alias("Record")]
    Task Record(UsageContribution contribution);

    /// <summary>
    /// The settlement has written that this session is counted and will not send it again: it leaves the in-flight
    /// list (written with the shard's next change), so the record stays the size of what is in flight.
    /// </summary>
    [Alias("Release")]
    Task Release(string sessionId);

    [Alias("Get")]
    Task<UsageDay> Get();
}
