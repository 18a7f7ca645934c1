using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>OCPP MeterValue elements to readings. Energy.Active.Import.Register is the source of truth for energy.</summary>
public static class OcppMeterValues
{
    public static ImmutableArray<MeterReading> Parse(JsonArray meterValues, string field, DateTime now)
    {
        var readings = ImmutableArray.CreateBuilder<MeterReading>(meterValues.Count);
        for (var i = 0; i < meterValues.Count; i++)
        {
            var path = $"{field}[{i}]";
            var mv = meterValues[i]!.AsObject();
            var timestamp = OcppCentralSystem.ParseTime(mv["timestamp"]!.GetValue<string>());
            if (timestamp > now + Services.RequestValidation.MaxClockSkew)
            {
                throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{path}.timestamp is in the future");
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
                        var wh = Value(sv, at) * unit switch
                        {
                            null or "Wh" => 1m,
                            "kWh" => 1000m,
                            _ => throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.unit {unit} is not an energy unit (Wh, kWh)"),
                        };
                        if (wh < 0)
                        {
                            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value must not be negative");
                        }

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
                        var w = (double)Value(sv, at) * (unit == "kW" ? 1000 : 1);
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
                        var a = (double)Value(sv, at);
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
                        break;
                }
            }

            // Without a register there is no energy to account; power alone is not a reading of the meter.
            if ((total ?? phaseSum) is { } energy)
            {
                readings.Add(new MeterReading(timestamp, energy, Clamp(power ?? powerPhases), Clamp(current ?? currentPhases), soc is { } s ? Math.Clamp(s, 0, 100) : null));
            }
        }

        return readings.ToImmutable();
    }

    private static double? Clamp(double? value) => value is { } v ? Math.Max(0, v) : null;

    private static decimal Value(JsonObject sv, string at)
    {
        var text = sv["value"]!.GetValue<string>();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value '{text}' is not a number");
    }
}
