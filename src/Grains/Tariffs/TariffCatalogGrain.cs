using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>The latest summary of every tariff. One small grain: operators have tens of tariffs, not millions.</summary>
public sealed class TariffCatalogGrain(
    [PersistentState("catalog", StorageNames.Charge)] IPersistentState<TariffCatalogState> state) : Grain, ITariffCatalogGrain
{
    public async Task Upsert(TariffSummary summary)
    {
        if (state.State.Tariffs.TryGetValue(summary.TariffId, out var known) && known.Version >= summary.Version)
        {
            return;
        }

        state.State.Tariffs[summary.TariffId] = summary;
        await state.WriteOrUnavailable(GrainContext);
    }

    public Task<ImmutableArray<TariffSummary>> List() =>
        Task.FromResult(state.State.Tariffs.Values.OrderBy(t => t.TariffId, StringComparer.Ordinal).ToImmutableArray());
}

[GenerateSerializer]
[Alias("charge.TariffCatalogState")]
public sealed record TariffCatalogState
{
    [Id(0)] public Dictionary<string, TariffSummary> Tariffs { get; set; } = [];
}
