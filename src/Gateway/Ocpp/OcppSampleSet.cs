using Charge.Gateway.Services;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// One MeterValue element's sampled values, read into one reading by the same rules for OCPP 1.6 and 2.0.1: the
/// energy register (the source of truth for energy, in Wh), power, current and state of charge, a total where given,
/// else the sum of the phases L1..L3; line-to-line and neutral phases are not summed. Every value is bounded by
/// <see cref="Limits"/> and <see cref="ReadingRules"/>, as over gRPC; a value that breaks them is a
/// PropertyConstraintViolation naming the sample.
/// </summary>
public sealed class OcppSampleSet
{
    public const string EnergyRegister = "Energy.Active.Import.Register";

    private decimal? _total, _phaseSum;
    private double? _power, _powerPhases, _current, _currentPhases, _soc;

    /// <summary>
    /// One sample: <paramref name="raw"/> in <paramref name="unit"/> (null: the measurand's default), times
    /// <paramref name="scale"/> (OCPP 2.0.1's power-of-ten multiplier; 1 for 1.6). <paramref name="at"/> names it.
    /// </summary>
    public void Add(string measurand, string? phase, string? unit, decimal raw, decimal scale, string at)
    {
        var perPhase = phase is "L1" or "L2" or "L3";
        if (phase is not null && !perPhase)
        {
            return;
        }

        switch (measurand)
        {
            case EnergyRegister:
                var perUnit = scale * unit switch
                {
                    null or "Wh" => 1m,
                    "kWh" => 1000m,
                    _ => throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.unit {unit} is not an energy unit (Wh, kWh)"),
                };
                // Bounded before it is scaled: 7.9e28 kWh must be refused, not overflow a decimal.
                if (raw < 0 || raw > Limits.MaxEnergyWh / perUnit)
                {
                    throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation,
                        $"{at}.value {raw} {unit ?? "Wh"} is not a meter register (0 to {Limits.MaxEnergyWh} Wh)");
                }

                var wh = raw * perUnit;
                if (perPhase)
                {
                    _phaseSum = (_phaseSum ?? 0m) + wh;
                }
                else
                {
                    _total = wh;
                }

                break;
            case "Power.Active.Import":
                var w = Measured((double)raw * (double)scale * (unit == "kW" ? 1000 : 1), at, Limits.MaxPowerW, "W");
                if (perPhase)
                {
                    _powerPhases = (_powerPhases ?? 0) + w;
                }
                else
                {
                    _power = w;
                }

                break;
            case "Current.Import":
                var a = Measured((double)raw * (double)scale, at, Limits.MaxCurrentA, "A");
                if (perPhase)
                {
                    _currentPhases = (_currentPhases ?? 0) + a;
                }
                else
                {
                    _current = a;
                }

                break;
            case "SoC":
                _soc = (double)raw * (double)scale;
                if (ReadingRules.SocPercent(_soc.Value) is { } notSoc)
                {
                    throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value {notSoc}");
                }

                break;
        }
    }

    /// <summary>Whether a register was sampled (without one there is no energy to account).</summary>
    public decimal? RegisterWh => _total ?? _phaseSum;

    /// <summary>The reading at <paramref name="timestamp"/>; null without a register (power alone is not a reading of the meter).</summary>
    public MeterReading? Reading(DateTime timestamp) =>
        RegisterWh is { } energy ? new MeterReading(timestamp, energy, _power ?? _powerPhases, _current ?? _currentPhases, _soc) : null;

    /// <summary>Power or current by the readings' one rule set (a negative reads as 0); PropertyConstraintViolation otherwise.</summary>
    private static double Measured(double value, string at, double max, string unit)
    {
        var read = ReadingRules.Measured(value, max, unit, out var problem);
        return problem is null ? read : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value {problem}");
    }
}
