using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>The tariff assignments of one charger or one site, in effective-from order.</summary>
public sealed class TariffAssignmentGrain(
    [PersistentState("assignments", StorageNames.Charge)] IPersistentState<TariffAssignmentState> state) : Grain, ITariffAssignmentGrain
{
    public async Task<ImmutableArray<TariffAssignment>> Assign(TariffAssignment assignment)
    {
        // Refuse an assignment to a tariff that does not exist: sessions would start unpriced.
        await GrainFactory.GetGrain<ITariffGrain>(assignment.TariffId).GetVersion(null);

        var list = state.State.Assignments;
        list.RemoveAll(a => a.EffectiveFrom == assignment.EffectiveFrom);
        list.Add(assignment);
        list.Sort((a, b) => a.EffectiveFrom.CompareTo(b.EffectiveFrom));
        await state.WriteOrUnavailable(GrainContext);
        return [.. list];
    }

    public Task<string?> Resolve(DateTime at)
    {
        string? tariff = null;
        foreach (var a in state.State.Assignments)
        {
            if (a.EffectiveFrom <= at)
            {
                tariff = a.TariffId;
            }
        }

        return Task.FromResult(tariff);
    }

    public Task<ImmutableArray<TariffAssignment>> List() => Task.FromResult(state.State.Assignments.ToImmutableArray());
}

[GenerateSerializer]
[Alias("charge.TariffAssignmentState")]
public sealed record TariffAssignmentState
{
    [Id(0)] public List<TariffAssignment> Assignments { get; set; } = [];
}
