using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>The stored state of a charger's device model: its variables by <see cref="DeviceVariable.Key"/>.</summary>
[GenerateSerializer]
[Alias("charge.DeviceModelState")]
public sealed record DeviceModelState
{
    [Id(0)] public Dictionary<string, DeviceVariable> Variables { get; set; } = [];
}

public sealed class DeviceModelGrain([PersistentState("deviceModel", StorageNames.Charge)] IPersistentState<DeviceModelState> state)
    : Grain, IDeviceModelGrain
{
    public async Task Record(ImmutableArray<DeviceVariable> variables)
    {
        if (variables.IsDefaultOrEmpty)
        {
            return;
        }

        foreach (var variable in variables)
        {
            if (state.State.Variables.ContainsKey(variable.Key) || state.State.Variables.Count < IDeviceModelGrain.MaxVariables)
            {
                state.State.Variables[variable.Key] = variable;
            }
        }

        await state.WriteOrUnavailable(GrainContext);
    }

    public Task<ImmutableArray<DeviceVariable>> Get() => Task.FromResult(state.State.Variables.Values
        .OrderBy(v => v.Component, StringComparer.Ordinal).ThenBy(v => v.ComponentInstance, StringComparer.Ordinal).ThenBy(v => v.Evse)
        .ThenBy(v => v.Variable, StringComparer.Ordinal).ThenBy(v => v.VariableInstance, StringComparer.Ordinal).ThenBy(v => v.AttributeType, StringComparer.Ordinal)
        .ToImmutableArray());
}
