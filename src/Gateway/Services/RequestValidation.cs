using System.Buffers;
using Google.Protobuf.WellKnownTypes;
using Charge.Grains.Interfaces;
using Grpc.Core;

namespace Charge.Gateway.Services;

/// <summary>Edge validation for every transport: a bad field is refused with InvalidArgument naming it, before any grain is called.</summary>
public static class RequestValidation
{
    public const int MaxIdLength = Limits.MaxIdLength;
    public const int MaxReadingsPerCall = Limits.MaxReadingsPerCall;

    /// <summary>A meter register beyond this (1 TWh) is not a real charger.</summary>
    public const double MaxEnergyWh = (double)Limits.MaxEnergyWh;

    public static readonly TimeSpan MaxClockSkew = Limits.MaxClockSkew;

    private static readonly DateTime Earliest = Limits.Earliest;

    // Letters, digits and . _ - : enough for charge point IDs, OCPP idTags and contract IDs, and safe in URLs.
    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-*");

    /// <summary>An invoice or credit note number as issued: "{prefix}-{year}-{sequence}", e.g. INV-2026-000001.</summary>
    public static bool IsDocumentNumber(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, "^[A-Za-z0-9]{1,8}-[0-9]{4}-[0-9]{6,}\\z");

    public static string Id(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{field} is required");
        }

        if (value.Length > MaxIdLength)
        {
            throw Invalid($"{field} is longer than {MaxIdLength} characters");
        }

        if (value.AsSpan().IndexOfAnyExcept(IdChars) >= 0)
        {
            throw Invalid($"{field} may contain only letters, digits and . _ - *");
        }

        if (value.AsSpan().IndexOfAnyExcept('.') < 0)
        {
            // "." and ".." are path segments every URL client and server resolves away: such an ID is unreachable over REST and OCPP.
            throw Invalid($"{field} '{value}' is not addressable: an ID of dots only cannot appear in a URL path");
        }

        return value;
    }

    /// <summary>
    /// One name of <typeparamref name="T"/>, case-insensitive, refused otherwise with <paramref name="expected"/>: never
    /// a number or a comma-separated list (which the runtime's enum parsing would read as flags, giving another value).
    /// </summary>
    public static T EnumName<T>(string value, string field, string expected)
        where T : struct, System.Enum =>
        System.Enum.GetNames<T>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } name
            ? System.Enum.Parse<T>(name)
            : throw Invalid($"{field} '{value}' must be one of {expected}");

    public static string? OptionalId(string value, string field) => string.IsNullOrEmpty(value) ? null : Id(value, field);

    /// <summary>A session ID: "{charger_id}~{local}" as the API gives it, or (in a station's own calls) the local part alone.</summary>
    public static string SessionId(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{field} is required");
        }

        var at = value.IndexOf(SessionIds.Separator);
        if (at < 0)
        {
            return Id(value, field);
        }

        if (at == 0 || at == value.Length - 1 || value.IndexOf(SessionIds.Separator, at + 1) >= 0)
        {
            throw Invalid($"{field} '{value}' must be '{{charger_id}}{SessionIds.Separator}{{session}}' with one '{SessionIds.Separator}'");
        }

        Id(value[..at], $"{field} (charger part)");
        Id(value[(at + 1)..], $"{field} (session part)");
        return value;
    }

    public static string? OptionalSessionId(string value, string field) => string.IsNullOrEmpty(value) ? null : SessionId(value, field);

    public static int Connector(int value, string field, bool allowWholeCharger = false)
    {
        var min = allowWholeCharger ? 0 : 1;
        if (value < min || value > Limits.MaxConnectors)
        {
            throw Invalid($"{field} must be between {min} and {Limits.MaxConnectors}");
        }

        return value;
    }

    /// <summary>A register the request must carry: absent (or JSON null) is refused, never read as 0.</summary>
    public static decimal EnergyWh(bool has, double value, string field) =>
        has ? EnergyWh(value, field) : throw Invalid($"{field} is required: the meter's register in Wh");

    public static decimal EnergyWh(double value, string field) =>
        double.IsFinite(value) && value >= 0 && value <= (double)MaxEnergyWh
            ? (decimal)value
            : throw Invalid($"{field} must be a finite number of Wh between 0 and {MaxEnergyWh:0}");

    public static double? NonNegative(bool has, double value, string field, double max)
    {
        if (!has)
        {
            return null;
        }

        if (!double.IsFinite(value) || value < 0 || value > max)
        {
            throw Invalid($"{field} must be a finite number between 0 and {max}");
        }

        return value;
    }

    /// <summary>An instant a charger reports: by the readings' rule (<see cref="ReadingRules.Timestamp"/>).</summary>
    public static DateTime Timestamp(Timestamp? value, string field, DateTime now) => Timestamp(Read(value, field), field, now);

    /// <summary>An instant someone plans (a tariff's effective date, an estimate's start): 2000 to 2200, however far ahead.</summary>
    public static DateTime Planned(Timestamp? value, string field)
    {
        var t = Read(value, field);
        return t < Earliest || t >= Limits.Latest
            ? throw Invalid($"{field} {t:O} is outside {Earliest:yyyy-MM-dd} to {Limits.Latest:yyyy-MM-dd}")
            : t;
    }

    private static DateTime Read(Timestamp? value, string field)
    {
        if (value is null)
        {
            throw Invalid($"{field} is required");
        }

        try
        {
            return value.ToDateTime();
        }
        catch (Exception)
        {
            throw Invalid($"{field} is not a valid timestamp");
        }
    }

    /// <summary>An instant a charger reports, by the readings' one rule: no earlier than 2000, at most <see cref="MaxClockSkew"/> ahead of now.</summary>
    public static DateTime Timestamp(DateTime t, string field, DateTime now) =>
        ReadingRules.Timestamp(t, now) is { } problem ? throw Invalid($"{field} {problem}") : t;

    public static DateTime? OptionalBound(Timestamp? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        DateTime t;
        try
        {
            t = value.ToDateTime();
        }
        catch (Exception)
        {
            throw Invalid($"{field} is not a valid timestamp");
        }

        return t < Earliest || t >= Limits.Latest
            ? throw Invalid($"{field} {t:O} is outside the supported range {Earliest:yyyy-MM-dd} to {Limits.Latest:yyyy-MM-dd}")
            : t;
    }

    /// <summary>
    /// Free text of at most <paramref name="max"/> characters, optionally required; one rule for every free-text field
    /// (names, addresses, labels, reasons): no control characters (line breaks and tabs included: these are one-line
    /// fields) and no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which make an exported or
    /// displayed text read differently from what it is.
    /// </summary>
    public static string Text(string value, string field, int max, bool required = false) =>
        required && string.IsNullOrWhiteSpace(value) ? throw Invalid($"{field} is required")
        : value.Length > max ? throw Invalid($"{field} is longer than {max} characters")
        : value.Any(char.IsControl) ? throw Invalid($"{field} contains control characters")
        : value.Any(c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            ? throw Invalid($"{field} contains a bidirectional override (U+202A–U+202E or U+2066–U+2069)")
        : value;

    /// <summary>A country as OCPI writes it: ISO 3166-1 alpha-3, or empty.</summary>
    public static string Country(string value) =>
        value.Length is 0 or 3 && value.All(char.IsAsciiLetterUpper) ? value : throw Invalid("country must be ISO 3166-1 alpha-3, e.g. NLD");

    /// <summary>
    /// A domain InvalidArgument, so one validator serves every transport: gRPC and REST map it to InvalidArgument /
    /// 400, OCPP to PropertyConstraintViolation.
    /// </summary>
    public static ChargeException Invalid(string message) => ChargeException.InvalidArgument(message);
}
