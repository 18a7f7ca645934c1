using System.Globalization;
using System.Text.RegularExpressions;

namespace Charge.Gateway.Ocpp.Messages;

/// <summary>OCPP date-times: read as RFC 3339 with a zone (OCPP-J requires one), written as UTC with milliseconds.</summary>
public static class OcppTime
{
    private static readonly Regex Rfc3339 = new(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant);

    private static readonly Regex WithoutZone = new(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?\z", RegexOptions.CultureInvariant);

    /// <summary>An RFC 3339 date-time with its zone, as UTC; a FormatException saying what is wrong otherwise.</summary>
    public static DateTime Parse(string value)
    {
        if (!Rfc3339.IsMatch(value))
        {
            throw new FormatException(WithoutZone.IsMatch(value)
                ? $"'{Shown(value)}' has no time zone: OCPP date-times end in Z or an offset (+01:00)"
                : $"'{Shown(value)}' is not an RFC 3339 date-time");
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.UtcDateTime
            : throw new FormatException($"'{Shown(value)}' is not a date-time that exists");
    }

    /// <summary>A payload's date-time as UTC; a TypeConstraintViolation naming <paramref name="field"/> when it is none.</summary>
    public static DateTime Read(string value, string field)
    {
        try
        {
            return Parse(value);
        }
        catch (FormatException e)
        {
            throw new OcppCallException(OcppErrorCode.TypeConstraintViolation, $"{field} {e.Message}");
        }
    }

    /// <summary>A message's own time (a start, a stop, a status): read, then bounded as every transport bounds it.</summary>
    public static DateTime Read(string value, string field, DateTime now) => Services.RequestValidation.Timestamp(Read(value, field), field, now);

    /// <summary>A sampled reading's time: read, then bounded by the readings' rules (not in the future, not too old).</summary>
    public static DateTime ReadSample(string value, string field, DateTime now)
    {
        var timestamp = Read(value, field);
        return Charge.Grains.Interfaces.ReadingRules.Timestamp(timestamp, now) is { } late
            ? throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {late}")
            : timestamp;
    }

    public static string Format(DateTime t) =>
        DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Shown(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
