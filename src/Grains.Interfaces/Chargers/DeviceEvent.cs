namespace Charge.Grains.Interfaces;

/// <summary>An event a charger reported on one of its components' variables (OCPP 2.0.1 NotifyEvent).</summary>
[GenerateSerializer]
[Alias("charge.DeviceEvent")]
public sealed record DeviceEvent(
    [property: Id(0)] int EventId,
    [property: Id(1)] DateTime Timestamp,
    [property: Id(2)] string Trigger,
    [property: Id(3)] string Component,
    [property: Id(4)] string Variable,
    [property: Id(5)] string ActualValue,
    [property: Id(6)] string? TechInfo,
    [property: Id(7)] bool Cleared,
    [property: Id(8)] string? TransactionId);
