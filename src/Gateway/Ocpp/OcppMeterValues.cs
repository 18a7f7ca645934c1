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
        var timestamp = OcppTime.ReadSample(mv.Timestamp, $"{path}.timestamp", now);

        var samples = new OcppSampleSet();
        for (var j = 0; j < mv.SampledValue.Length; j++)
        {
            var sv = mv.SampledValue[j];
            var at = $"{path}.sampledValue[{j}]";
            // OCPP 1.6: an absent measurand is Energy.Active.Import.Register, an absent unit its default (Wh, W, A).
            samples.Add(sv.Measurand ?? OcppSampleSet.EnergyRegister, sv.Phase, sv.Unit, Value(sv, at), 1m, at);
        }

        return samples.Reading(timestamp);
    }

    private static decimal Value(SampledValueWire sv, string at)
    {
        var text = sv.Value;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.value '{text}' is not a number");
    }
}
