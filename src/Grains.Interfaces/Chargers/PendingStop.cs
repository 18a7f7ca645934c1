namespace Charge.Grains.Interfaces;

/// <summary>
/// A stop asked of the charger for a session still running: when it was asked, by whom, and what the charger answered.
/// Kept by the charger's activation while the session runs (advice for operators, not a record: a restart forgets it).
/// </summary>
[GenerateSerializer]
[Alias("charge.PendingStop")]
public sealed record PendingStop(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTime RequestedAt,
    [property: Id(2)] string RequestedBy,
    [property: Id(3)] string Channel,
    [property: Id(4)] string Status);
