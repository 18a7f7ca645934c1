using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>How a batch of readings was taken by the charger.</summary>
[GenerateSerializer]
[Alias("charge.MeterValuesAccepted")]
public sealed record MeterValuesAccepted(
    [property: Id(0)] string SessionId,
    [property: Id(1)] int Accepted,
    [property: Id(2)] long Sequence);
