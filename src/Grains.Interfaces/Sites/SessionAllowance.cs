using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

[GenerateSerializer]
[Alias("charge.SessionAllowance")]
public sealed record SessionAllowance(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string ChargerId,
    [property: Id(2)] double AllowanceW,
    [property: Id(3)] double? DrawW,
    [property: Id(4)] bool Controllable,
    [property: Id(5)] bool Overdrawing = false);
