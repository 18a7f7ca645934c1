using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>Every registered charger ID in order, for the fleet list.</summary>
public sealed class ChargerDirectoryGrain([PersistentState("chargers", StorageNames.Charge)] IPersistentState<DirectoryState> state) : Grain, IChargerDirectoryGrain
{
    public async Task Add(string chargerId)
    {
        if (state.State.Add(chargerId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<ImmutableArray<string>> List(string? after, int limit) => Task.FromResult(state.State.Page(after, limit));

    public Task<bool> Contains(string chargerId) => Task.FromResult(state.State.Contains(chargerId));
}
