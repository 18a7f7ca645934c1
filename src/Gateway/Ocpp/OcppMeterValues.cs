using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Charge.Gateway.Services;

namespace Charge.Gateway.Ocpp;

/// <summary>OCPP MeterValue elements to readings. Energy.Active.Import.Register is the source of truth for energy.</summary>
public static class OcppMeterValues
{
    /// <summary>
    /// Every element, or the CALLERROR naming the first that cannot be read (MeterValues: the charger resends what it
    /// is refused). At most <see cref="Limits.MaxReadingsPerCall"/> elements, as for every transport.
    /// </summary>
    public static ImmutableArray<MeterReading> Parse(ImmutableArray<MeterValueWire> meterValues, string field, DateTime now)
    {
        if (meterValues.Length > Limits.MaxReadingsPerCall)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation,
                $"{field} has {meterValues.Length} elements; at most {Limits.MaxReadingsPerCall} in one message");
        }

        var readings = ImmutableArray.CreateBuilder<MeterReading>(meterValues.Length);
        for (var i = 0; i < meterValues.Length; i++)
        {
            if (One(meterValues[i], $"{field}[{i}]", now) is { } reading)
            {
                readings.Add(reading);
            }
        }

        return readings.ToImmutable();
    }

    /// <summary>
    /// The elements that can be read, and what was wrong with each of the others (a StopTransaction's transactionData:
    /// a stop is never refused for one bad sample, which is dropped and reported, not the stop). Samples the schema
    /// refused come in <paramref name="schemaProblems"/> by index.
    /// </summary>
    public static (ImmutableArray<MeterReading> Readings, ImmutableArray<string> Dropped) ParseLenient(
        ImmutableArray<JsonElement> meterValues, IReadOnlyDictionary<int, string> schemaProblems, string field, DateTime now)
    {
        var readings = ImmutableArray.CreateBuilder<MeterReading>();
        var dropped = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < meterValues.Length; i++)
        {
            if (i >= Limits.MaxReadingsPerCall)
            {
                dropped.Add($"{field} has {meterValues.Length} elements: those after the first {Limits.MaxReadingsPerCall} are dropped");
                break;
            }

            if (schemaProblems.TryGetValue(i, out var problem))
            {
                dropped.Add(problem);
                continue;
            }

            try
            {
                if (One(OcppWire.Bind<MeterValueWire>(meterValues[i], $"{field}[{i}]"), $"{field}[{i}]", now) is { } reading)
                {
                    readings.Add(reading);
                }
            }
            catch (OcppCallException e)
            {
                dropped.Add(e.Message);
            }
        }

        return (readings.ToImmutable(), dropped.ToImmutable());
    }

    /// <summary>One MeterValue element; null when it holds no energy register.</summary>
    private static MeterReading? One(MeterValueWire mv, string path, DateTime now)
    {
        DateTime timestamp;
        try
        {
            timestamp = OcppTime.Parse(mv.Timestamp);
        }
        catch (FormatException e)
        {
            throw new OcppCallException(OcppErrorCode.TypeConstraintViolation, $"{path}.timestamp {e.Message}");
        }

        if (ReadingRules.Timestamp(timestamp, now) is { } late)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{path}.timestamp {late}");
        }

        decimal? total = null, phaseSum = null;
        double? power = null, powerPhases = null, current = null, currentPhases = null, soc = null;
        for (var j = 0; j < mv.SampledValue.Length; j++)
        {
            var sv = mv.SampledValue[j];
            var at = $"{path}.sampledValue[{j}]";
            // OCPP 1.6: an absent measurand is Energy.Active.Import.Register, an absent unit its default (Wh, W, A).
            var measurand = sv.Measurand ?? "Energy.Active.Import.Register";
            var unit = sv.Unit;
            var phase = sv.Phase;
            var perPhase = phase is "L1" or "L2" or "L3";
            if (phase is not null && !perPhase)
            {
                continue;
            }

            switch (measurand)
            {
                case "Energy.Active.Import.Register":
                    var perUnit = unit switch
                    {
                        null or "Wh" => 1m,
                        "kWh" => 1000m,
                        _ => throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.unit {unit} is not an energy unit (Wh, kWh)"),
                    };
                    // Bounded before it is scaled: 7.9e28 kWh must be refused, not overflow a decimal.
                    var raw = Value(sv, at);
                    if (raw < 0 || raw > Limits.MaxEnergyWh / perUnit)
                    {
                        throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation,
                            $"{at}.value {raw} {unit ?? "Wh"} is not a meter register (0 to {Limits.MaxEnergyWh} Wh)");
                    }

                    var wh = raw * perUnit;

                    if (perPhase)
                    {
                        phaseSum = (phaseSum ?? 0m) + wh;
                    }
                    else
                    {
                        total = wh;
                    }

                    break;
                case "Power.Active.Import":
                    var w = Measured((double)Value(sv, at) * (unit == "kW" ? 1000 : 1), at, Limits.MaxPowerW, "W");
                    if (perPhase)
                    {
                        powerPhases = (powerPhases ?? 0) + w;
                    }
                    else
                    {
                        power = w;
                    }

                    break;
                case "Current.Import":
                    var a = Measured((double)Value(sv, at), at, Limits.MaxCurrentA, "A");
                    if (perPhase)
                    {
                        currentPhases = (currentPhases ?? 0) + a;
                    }
                    else
                    {
                        current = a;
                    }

                    break;
                case "SoC":
                    soc = (double)Value(sv, at);
                    if (ReadingRules.SocPercent(soc.Value) is { } notSoc)
                    {
                        throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value {notSoc}");
                    }

                    break;
            }
        }

        // Without a register there is no energy to account; power alone is not a reading of the meter.
        return (total ?? phaseSum) is { } energy
            ? new MeterReading(timestamp, energy, power ?? powerPhases, current ?? currentPhases, soc)
            : null;
    }

    /// <summary>Power or current by the readings' one rule set (a negative reads as 0); PropertyConstraintViolation otherwise.</summary>
    private static double Measured(double value, string at, double max, string unit)
    {
        var read = ReadingRules.Measured(value, max, unit, out var problem);
        return problem is null ? read : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value {problem}");
    }

    private static decimal Value(SampledValueWire sv, string at)
    {
        var text = sv.Value;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value '{text}' is not a number");
    }
}
