using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One session's part in one local day of usage: energy and time in a session per local hour, and, on the day it
/// started, the session itself (count, whole energy, duration).
/// </summary>
[GenerateSerializer]
[Alias("charge.UsageContribution")]
public sealed record UsageContribution(
    [property: Id(0)] string SessionId,
    [property: Id(1)] bool StartedThisDay,
    [property: Id(2)] decimal SessionEnergyWh,
    [property: Id(3)] long SessionDurationSeconds,
    [property: Id(4)] ImmutableArray<decimal> EnergyWhByHour,
    [property: Id(5)] ImmutableArray<long> SessionSecondsByHour,
    [property: Id(6)] CurrencyRevenue? Revenue = null);
