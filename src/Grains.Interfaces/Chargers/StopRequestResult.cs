namespace Charge.Grains.Interfaces;

/// <summary>How a request to stop reached the charger: the session ends when the charger sends its own stop.</summary>
[GenerateSerializer]
[Alias("charge.StopRequestResult")]
public sealed record StopRequestResult(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Status,
    [property: Id(2)] SessionView Session);
