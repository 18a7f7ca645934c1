using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One month (UTC, by start) of the sessions started on one charger, key "{charger}|{yyyy-MM}": the charger's own
/// record stays small however many sessions it has had, and a start writes only its month's page.
/// </summary>
[Alias("charge.IChargerHistoryGrain")]
public interface IChargerHistoryGrain : IGrainWithStringKey
{
    public static string Key(string chargerId, string month) => $"{chargerId}|{month}";

    /// <summary>The month (yyyy-MM, UTC) a session started at belongs to.</summary>
    public static string MonthOf(DateTime startedAt) => startedAt.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds references of this month, each once (a retry adds nothing).</summary>
    [Alias("Add")]
    Task Add(ImmutableArray<SessionRef> sessions);

    /// <summary>References started in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    [Alias("Query")]
    Task<ImmutableArray<SessionRef>> Query(DateTime from, DateTime to, int limit);
}
