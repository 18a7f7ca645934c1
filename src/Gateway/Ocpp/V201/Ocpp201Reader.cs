using System.Collections.Immutable;
using System.Globalization;
using Charge.Gateway.Ocpp.Messages;
using Charge.Gateway.Services;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.V201;

/// <summary>
/// An OCPP 2.0.1 wire record, admitted by its schema, to the domain's values, with the same bounds as every transport
/// (<see cref="Limits"/>, <see cref="RequestValidation"/>, <see cref="ReadingRules"/>, <see cref="OcppSampleSet"/>).
/// An EVSE is what the domain calls a connector (one session at a time); its plugs are not modelled.
/// </summary>
public static class Ocpp201Reader
{
    /// <summary>The largest power-of-ten multiplier a unitOfMeasure may carry (a register in GWh is 10^9 Wh).</summary>
    public const int MaxMultiplier = 9;

    public static int Evse(decimal value, string field, bool allowZero)
    {
        var min = allowZero ? 0 : 1;
        return decimal.Truncate(value) == value && value >= min && value <= Limits.MaxConnectors
            ? (int)value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {value.ToString(CultureInfo.InvariantCulture)} is not an EVSE ({min}..{Limits.MaxConnectors})");
    }

    /// <summary>The id_tag an idToken names; null for NoAuthorization (no token at all).</summary>
    public static string? IdTag(IdTokenWire? token, string field) =>
        token is null || token.Type == "NoAuthorization" ? null : RequestValidation.Id(token.IdToken, $"{field}.idToken");

    /// <summary>A StatusNotification's connectorStatus in the domain's set (Occupied: a car is plugged in, Preparing).</summary>
    public static ConnectorStatus Status(string connectorStatus) => connectorStatus switch
    {
        "Available" => ConnectorStatus.Available,
        "Occupied" => ConnectorStatus.Preparing,
        "Reserved" => ConnectorStatus.Reserved,
        "Unavailable" => ConnectorStatus.Unavailable,
        "Faulted" => ConnectorStatus.Faulted,
        _ => ConnectorStatus.Unknown,
    };

    /// <summary>The registry's answer as a 2.0.1 station reads it (the status names are the same as 1.6's).</summary>
    public static IdTokenInfo201 Info(TokenAuthorization authorization) => new(
        authorization.Status.ToString(),
        authorization.ExpiryDate is { } expiry ? OcppTime.Format(expiry) : null,
        authorization.ParentIdTag is { } parent ? new IdTokenWire(parent, "Central") : null);

    /// <summary>
    /// The readings of meterValue elements (elements without a register carry none), and the registers sampled
    /// with the contexts Transaction.Begin and Transaction.End, if any.
    /// </summary>
    public static (ImmutableArray<MeterReading> Readings, decimal? BeginWh, decimal? EndWh) Readings(
        ImmutableArray<MeterValue201Wire>? meterValues, string field, DateTime now)
    {
        if (meterValues is not { IsDefaultOrEmpty: false } values)
        {
            return ([], null, null);
        }

        if (values.Length > Limits.MaxReadingsPerCall)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} has {values.Length} elements; at most {Limits.MaxReadingsPerCall} in one message");
        }

        var readings = ImmutableArray.CreateBuilder<MeterReading>(values.Length);
        decimal? begin = null, end = null;
        for (var i = 0; i < values.Length; i++)
        {
            var path = $"{field}[{i}]";
            var mv = values[i];
            var timestamp = OcppTime.ReadSample(mv.Timestamp, $"{path}.timestamp", now);

            var samples = new OcppSampleSet();
            string? context = null;
            for (var j = 0; j < mv.SampledValue.Length; j++)
            {
                var sv = mv.SampledValue[j];
                var at = $"{path}.sampledValue[{j}]";
                var multiplier = sv.UnitOfMeasure?.Multiplier ?? 0;
                if (multiplier is < -MaxMultiplier or > MaxMultiplier || decimal.Truncate(multiplier) != multiplier)
                {
                    throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{at}.unitOfMeasure.multiplier {multiplier} is not a power of ten from -{MaxMultiplier} to {MaxMultiplier}");
                }

                var measurand = sv.Measurand ?? OcppSampleSet.EnergyRegister;
                samples.Add(measurand, sv.Phase, sv.UnitOfMeasure?.Unit, sv.Value, Pow10((int)multiplier), at);
                if (measurand == OcppSampleSet.EnergyRegister)
                {
                    context ??= sv.Context;
                }
            }

            if (samples.Reading(timestamp) is { } reading)
            {
                readings.Add(reading);
                if (context == "Transaction.Begin")
                {
                    begin = reading.EnergyWh;
                }
                else if (context == "Transaction.End")
                {
                    end = reading.EnergyWh;
                }
            }
        }

        return (readings.ToImmutable(), begin, end);
    }

    private static decimal Pow10(int exponent)
    {
        var scale = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            scale *= 10;
        }

        return exponent < 0 ? 1 / scale : scale;
    }
}
