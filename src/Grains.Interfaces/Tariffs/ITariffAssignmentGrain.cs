using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>Tariff assignments of one charger, site or customer group, keyed "charger:{id}", "site:{id}" or "group:{name}".</summary>
[Alias("charge.ITariffAssignmentGrain")]
public interface ITariffAssignmentGrain : IGrainWithStringKey
{
    public static string ChargerKey(string chargerId) => $"charger:{chargerId}";

    public static string SiteKey(string siteId) => $"site:{siteId}";

    /// <summary>A customer group's tariff (members, a fleet): it wins over the charger's and site's for the group's tags.</summary>
    public static string GroupKey(string tariffGroup) => $"group:{tariffGroup}";

    [Alias("Assign")]
    Task<ImmutableArray<TariffAssignment>> Assign(TariffAssignment assignment);

    /// <summary>The tariff assigned at an instant, if any.</summary>
    [Alias("Resolve")]
    Task<string?> Resolve(DateTime at);

    [Alias("List")]
    Task<ImmutableArray<TariffAssignment>> List();
}
