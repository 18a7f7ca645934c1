using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

/// <summary>
/// How a session reads its charger's register beyond the accepted points: the reading held until the next one
/// decides (spike or new level), the energy of excluded jumps, and whether MeterValues are session-relative.
/// </summary>
[GenerateSerializer]
[Alias("charge.RegisterState")]
public sealed record RegisterState
{
    /// <summary>The connector's maximum power: an increase beyond it (plus 1 kWh) is implausible.</summary>
    [Id(0)] public double MaxPowerW { get; set; }

    /// <summary>An implausible rise, as the charger sent it, until the next reading or the stop decides.</summary>
    [Id(1)] public MeterReading? Held { get; set; }

    /// <summary>The sum of register jumps excluded from energy; accepted points are the register less this.</summary>
    [Id(2)] public decimal ExcludedWh { get; set; }

    /// <summary>MeterValues count from 0 each session while Start/Stop carry the lifetime register.</summary>
    [Id(3)] public bool Relative { get; set; }

    /// <summary>Whether any reading has been judged yet (the session-relative test applies to the first one).</summary>
    [Id(4)] public bool AnyReading { get; set; }
}
