using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A charger's device model (per charger ID): what it reported of its components and variables (NotifyReport,
/// GetVariables; 1.6 GetConfiguration), newest value per attribute. Kept apart from the charger's record, which
/// every status and start writes: a full report holds hundreds of variables.
/// </summary>
[Alias("charge.IDeviceModelGrain")]
public interface IDeviceModelGrain : IGrainWithStringKey
{
    /// <summary>Records reported variables (stored before it returns); at most <see cref="MaxVariables"/> are kept.</summary>
    [Alias("Record")]
    Task Record(ImmutableArray<DeviceVariable> variables);

    /// <summary>Records events the charger reported (stored before it returns): the newest <see cref="EventsKept"/> and a count.</summary>
    [Alias("RecordEvents")]
    Task RecordEvents(ImmutableArray<DeviceEvent> events);

    /// <summary>The events kept, oldest first, and how many were reported in all.</summary>
    [Alias("Events")]
    Task<(ImmutableArray<DeviceEvent> Events, int Count)> Events();

    public const int EventsKept = 200;

    /// <summary>Every variable, ordered by component and variable.</summary>
    [Alias("Get")]
    Task<ImmutableArray<DeviceVariable>> Get();

    public const int MaxVariables = 10_000;
}
