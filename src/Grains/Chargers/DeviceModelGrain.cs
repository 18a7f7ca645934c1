using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>The stored state of a charger's device model: its variables by <see cref="DeviceVariable.Key"/>.</summary>
[GenerateSerializer]
[Alias("charge.DeviceModelState")]
public sealed record DeviceModelState
{
    [Id(0)] public Dictionary<string, DeviceVariable> Variables { get; set; } = [];

    [Id(1)] public List<DeviceEvent> Events { get; set; } = [];
    [Id(2)] public int EventCount { get; set; }
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

    public async Task RecordEvents(ImmutableArray<DeviceEvent> events)
    {
        if (events.IsDefaultOrEmpty)
        {
            return;
        }

        foreach (var e in events)
        {
            state.State.Events.Add(e);
            state.State.EventCount++;
            Telemetry.GrainMetrics.DeviceEvent(e.Trigger);
        }

        if (state.State.Events.Count > IDeviceModelGrain.EventsKept)
        {
            state.State.Events.RemoveRange(0, state.State.Events.Count - IDeviceModelGrain.EventsKept);
        }

        await state.WriteOrUnavailable(GrainContext);
    }

    public Task<(ImmutableArray<DeviceEvent> Events, int Count)> Events() =>
        Task.FromResult((state.State.Events.ToImmutableArray(), state.State.EventCount));

    public Task<ImmutableArray<DeviceVariable>> Get() => Task.FromResult(state.State.Variables.Values
        .OrderBy(v => v.Component, StringComparer.Ordinal).ThenBy(v => v.ComponentInstance, StringComparer.Ordinal).ThenBy(v => v.Evse)
        .ThenBy(v => v.Variable, StringComparer.Ordinal).ThenBy(v => v.VariableInstance, StringComparer.Ordinal).ThenBy(v => v.AttributeType, StringComparer.Ordinal)
        .ToImmutableArray());
}
