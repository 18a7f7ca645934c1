namespace Charge.Grains.Interfaces;

/// <summary>A security event a charger reported (OCPP 2.0.1 SecurityEventNotification: type, time, technical detail).</summary>
[GenerateSerializer]
[Alias("charge.SecurityEvent")]
public sealed record SecurityEvent(
    [property: Id(0)] string Type,
    [property: Id(1)] DateTime Timestamp,
    [property: Id(2)] string? TechInfo,
    [property: Id(3)] DateTime ReceivedAt);
