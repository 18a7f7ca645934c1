using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
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
    public static ImmutableArray<MeterReading> Parse(JsonArray meterValues, string field, DateTime now)
    {
        if (meterValues.Count > Limits.MaxReadingsPerCall)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation,
                $"{field} has {meterValues.Count} elements; at most {Limits.MaxReadingsPerCall} in one message");
        }

        var readings = ImmutableArray.CreateBuilder<MeterReading>(meterValues.Count);
        for (var i = 0; i < meterValues.Count; i++)
        {
            if (One(meterValues[i]!.AsObject(), $"{field}[{i}]", now) is { } reading)
            {
                readings.Add(reading);
            }
        }

        return readings.ToImmutable();
    }

    /// <summary>
    /// The elements that can be read, and what was wrong with each of the others (a StopTransaction's transactionData:
    /// a stop is never refused for one bad sample, which is dropped and reported, not the stop).
    /// </summary>
    public static (ImmutableArray<MeterReading> Readings, ImmutableArray<string> Dropped) ParseLenient(JsonArray meterValues, string field, DateTime now)
    {
        var readings = ImmutableArray.CreateBuilder<MeterReading>();
        var dropped = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < meterValues.Count; i++)
        {
            if (i >= Limits.MaxReadingsPerCall)
            {
                dropped.Add($"{field} has {meterValues.Count} elements: those after the first {Limits.MaxReadingsPerCall} are dropped");
                break;
            }

            try
            {
                if (OcppSchemas.MeterValueProblem(meterValues[i], $"{field}[{i}]") is { } problem)
                {
                    dropped.Add(problem);
                }
                else if (One(meterValues[i]!.AsObject(), $"{field}[{i}]", now) is { } reading)
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
    private static MeterReading? One(JsonObject mv, string path, DateTime now)
    {
        DateTime timestamp;
        try
        {
            timestamp = Messages.OcppRequestReader.ParseTime(mv["timestamp"]!.GetValue<string>());
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
        var sampled = mv["sampledValue"]!.AsArray();
        for (var j = 0; j < sampled.Count; j++)
        {
            var sv = sampled[j]!.AsObject();
            var at = $"{path}.sampledValue[{j}]";
            // OCPP 1.6: an absent measurand is Energy.Active.Import.Register, an absent unit its default (Wh, W, A).
            var measurand = sv["measurand"]?.GetValue<string>() ?? "Energy.Active.Import.Register";
            var unit = sv["unit"]?.GetValue<string>();
            var phase = sv["phase"]?.GetValue<string>();
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

    private static decimal Value(JsonObject sv, string at)
    {
        var text = sv["value"]!.GetValue<string>();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value '{text}' is not a number");
    }
}
