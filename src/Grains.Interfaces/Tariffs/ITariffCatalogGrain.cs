using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>The list of tariffs, for operators.</summary>
[Alias("charge.ITariffCatalogGrain")]
public interface ITariffCatalogGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Upsert")]
    Task Upsert(TariffSummary summary);

    [Alias("List")]
    Task<ImmutableArray<TariffSummary>> List();
}
