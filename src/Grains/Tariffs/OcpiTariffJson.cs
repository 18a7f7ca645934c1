using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>
/// Reads an OCPI 2.2.1 Tariff object (JSON exactly as OCPI defines it, plus our optional <c>time_zone</c>)
/// into a validated <see cref="Tariff"/>. Every problem is an InvalidArgument naming the field; unknown or
/// misspelled fields are refused, never silently dropped.
/// </summary>
public static partial class OcpiTariffJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        PropertyNameCaseInsensitive = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
        // A document with a key twice is ambiguous (which currency?): refused, never read as the last one wins.
        AllowDuplicateProperties = false,
    };

    private static readonly HashSet<string> TariffTypes = ["AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN", "REGULAR"];

    /// <summary>Parses and validates. <paramref name="timeZone"/>, when given, wins over the document's <c>time_zone</c>.</summary>
    public static Tariff Parse(string json, string? timeZone = null)
    {
        TariffDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<TariffDto>(json, Options);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            throw ChargeException.InvalidArgument(
                e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                    ? $"unknown field {UnknownField(e.Message, path)}: OCPI 2.2.1 Tariff has no such field"
                : e.Message.StartsWith("Duplicate", StringComparison.Ordinal)
                    ? $"duplicate field '{path[(path.LastIndexOf('.') + 1)..]}' at {path}: each field may appear once"
                : e.LineNumber is { } line && e.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase) && !e.Message.Contains("could not be converted", StringComparison.Ordinal)
                    ? $"tariff JSON is malformed at line {line + 1}, position {e.BytePositionInLine + 1} (near {path})"
                    : $"tariff JSON is not valid at {path}: expected a value of the OCPI type there");
        }

        if (dto is null)
        {
            throw ChargeException.InvalidArgument("tariff JSON must be an object");
        }

        return ToTariff(dto, timeZone);
    }

    private static string UnknownField(string message, string path)
    {
        var match = QuotedName().Match(message);
        return match.Success ? $"'{match.Groups[1].Value}' at {path}" : path;
    }

    private static Tariff ToTariff(TariffDto dto, string? timeZoneOverride)
    {
        var id = Required(dto.Id, "id");
        if (id.Length > 36)
        {
            throw Invalid("id is longer than 36 characters (OCPI CiString(36))");
        }

        var currency = Required(dto.Currency, "currency");
        if (!Currencies.IsKnown(currency))
        {
            throw Invalid($"currency '{currency}' is not an ISO 4217 code (three upper-case letters, e.g. EUR)");
        }

        if (dto.Type is { } type && !TariffTypes.Contains(type))
        {
            throw Invalid($"type '{type}' is not one of {string.Join(", ", TariffTypes.Order())}");
        }

        if (dto.Elements is null || dto.Elements.Count == 0)
        {
            throw Invalid("elements must hold at least one tariff element");
        }

        var elements = dto.Elements.Select((e, i) => ToElement(e, $"elements[{i}]")).ToImmutableArray();
        var minPrice = ToPrice(dto.MinPrice, "min_price");
        var maxPrice = ToPrice(dto.MaxPrice, "max_price");
        if (minPrice is not null && maxPrice is not null && minPrice.ExclVat > maxPrice.ExclVat)
        {
            throw Invalid("min_price.excl_vat is above max_price.excl_vat");
        }

        var start = ToDateTime(dto.StartDateTime, "start_date_time");
        var end = ToDateTime(dto.EndDateTime, "end_date_time");
        if (start is not null && end is not null && start >= end)
        {
            throw Invalid("start_date_time must be before end_date_time");
        }

        ToDateTime(dto.LastUpdated, "last_updated");

        var zone = timeZoneOverride ?? dto.TimeZone;
        var usesLocalTime = elements.Any(e => e.Restrictions is { } r
            && (r.StartTime is not null || r.EndTime is not null || r.StartDate is not null || r.EndDate is not null || r.DayOfWeek.Length > 0));
        if (zone is null)
        {
            // Local-time restrictions priced in a guessed zone would be wrong bills; without them UTC is harmless.
            zone = usesLocalTime
                ? throw Invalid("time_zone is required (an IANA name such as Europe/Amsterdam): the tariff has time-of-day, date or weekday restrictions")
                : "UTC";
        }

        if (TimeZones.Problem(zone, "time_zone") is { } problem)
        {
            throw Invalid(problem);
        }

        return new Tariff
        {
            Id = id,
            Currency = currency,
            Elements = elements,
            MinPrice = minPrice,
            MaxPrice = maxPrice,
            StartDateTime = start,
            EndDateTime = end,
            TimeZone = zone,
            AltText = dto.TariffAltText?.Select((t, i) => new DisplayText(
                Required(t.Language, $"tariff_alt_text[{i}].language"), t.Text ?? "")).ToImmutableArray() ?? [],
            AltUrl = dto.TariffAltUrl,
        };
    }

    private static TariffElement ToElement(ElementDto dto, string path)
    {
        if (dto.PriceComponents is null || dto.PriceComponents.Count == 0)
        {
            throw Invalid($"{path}.price_components must hold at least one price component");
        }

        var components = dto.PriceComponents.Select((c, i) => ToComponent(c, $"{path}.price_components[{i}]")).ToImmutableArray();
        return new TariffElement(components, dto.Restrictions is null ? null : ToRestrictions(dto.Restrictions, $"{path}.restrictions"));
    }

    private static PriceComponent ToComponent(PriceComponentDto dto, string path)
    {
        var type = Required(dto.Type, $"{path}.type") switch
        {
            "ENERGY" => TariffDimension.Energy,
            "FLAT" => TariffDimension.Flat,
            "PARKING_TIME" => TariffDimension.ParkingTime,
            "TIME" => TariffDimension.Time,
            var other => throw Invalid($"{path}.type '{other}' is not one of ENERGY, FLAT, PARKING_TIME, TIME"),
        };
        var price = dto.Price ?? throw Invalid($"{path}.price is required");
        if (price < 0 || price > Limits.MaxPrice)
        {
            throw Invalid($"{path}.price must be between 0 and {Limits.MaxPrice} (per kWh, hour or session)");
        }

        if (dto.Vat is < 0 or > 100)
        {
            throw Invalid($"{path}.vat must be a percentage between 0 and 100");
        }

        var step = dto.StepSize ?? throw Invalid($"{path}.step_size is required");
        // A FLAT fee has no volume to step; OCPI's own examples give it step_size 0.
        if (type == TariffDimension.Flat ? step < 0 : step < 1)
        {
            throw Invalid($"{path}.step_size must be at least 1 for {dto.Type} (Wh for ENERGY, seconds for time)");
        }

        if (step > 1_000_000_000)
        {
            throw Invalid($"{path}.step_size must be at most 1000000000");
        }

        return new PriceComponent(type, price, dto.Vat, step);
    }

    private static TariffRestrictions ToRestrictions(RestrictionsDto dto, string path)
    {
        var r = new TariffRestrictions
        {
            StartTime = ToTime(dto.StartTime, $"{path}.start_time"),
            EndTime = ToTime(dto.EndTime, $"{path}.end_time"),
            StartDate = ToDate(dto.StartDate, $"{path}.start_date"),
            EndDate = ToDate(dto.EndDate, $"{path}.end_date"),
            MinKwh = NonNegative(dto.MinKwh, $"{path}.min_kwh"),
            MaxKwh = NonNegative(dto.MaxKwh, $"{path}.max_kwh"),
            MinCurrent = NonNegative(dto.MinCurrent, $"{path}.min_current"),
            MaxCurrent = NonNegative(dto.MaxCurrent, $"{path}.max_current"),
            MinPower = NonNegative(dto.MinPower, $"{path}.min_power"),
            MaxPower = NonNegative(dto.MaxPower, $"{path}.max_power"),
            MinDuration = Seconds(dto.MinDuration, $"{path}.min_duration"),
            MaxDuration = Seconds(dto.MaxDuration, $"{path}.max_duration"),
            DayOfWeek = dto.DayOfWeek?.Select((d, i) => ToDay(d, $"{path}.day_of_week[{i}]")).ToImmutableArray() ?? [],
            Reservation = dto.Reservation is null or "RESERVATION" or "RESERVATION_EXPIRES"
                ? dto.Reservation
                : throw Invalid($"{path}.reservation '{dto.Reservation}' is not RESERVATION or RESERVATION_EXPIRES"),
        };

        Ordered(r.MinKwh, r.MaxKwh, $"{path}.min_kwh", $"{path}.max_kwh");
        Ordered(r.MinCurrent, r.MaxCurrent, $"{path}.min_current", $"{path}.max_current");
        Ordered(r.MinPower, r.MaxPower, $"{path}.min_power", $"{path}.max_power");
        Ordered(r.MinDuration, r.MaxDuration, $"{path}.min_duration", $"{path}.max_duration");
        if (r.StartDate is not null && r.EndDate is not null && r.StartDate >= r.EndDate)
        {
            throw Invalid($"{path}.start_date must be before {path}.end_date (end_date is exclusive)");
        }

        return r;
    }

    private static void Ordered<T>(T? min, T? max, string minPath, string maxPath) where T : struct, IComparable<T>
    {
        if (min is { } a && max is { } b && a.CompareTo(b) > 0)
        {
            throw Invalid($"{minPath} is above {maxPath}");
        }
    }

    private static Price? ToPrice(PriceDto? dto, string path)
    {
        if (dto is null)
        {
            return null;
        }

        var excl = dto.ExclVat ?? throw Invalid($"{path}.excl_vat is required");
        if (excl < 0 || dto.InclVat < 0 || excl > Limits.MaxPrice || dto.InclVat > Limits.MaxPrice)
        {
            throw Invalid($"{path} must be between 0 and {Limits.MaxPrice}");
        }

        if (dto.InclVat < excl)
        {
            throw Invalid($"{path}.incl_vat is below {path}.excl_vat");
        }

        return new Price(excl, dto.InclVat);
    }

    private static TimeOnly? ToTime(string? value, string path)
    {
        if (value is null)
        {
            return null;
        }

        return TimePattern().IsMatch(value)
            ? TimeOnly.ParseExact(value, "HH:mm", CultureInfo.InvariantCulture)
            : throw Invalid($"{path} '{value}' is not a time of day as HH:MM (00:00 to 23:59)");
    }

    private static DateOnly? ToDate(string? value, string path)
    {
        if (value is null)
        {
            return null;
        }

        return DatePattern().IsMatch(value) && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw Invalid($"{path} '{value}' is not a date as YYYY-MM-DD");
    }

    private static DateTime? ToDateTime(string? value, string path)
    {
        if (value is null)
        {
            return null;
        }

        // OCPI DateTime is UTC; a value without a zone designator is read as UTC.
        return DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : throw Invalid($"{path} '{value}' is not an RFC 3339 date-time");
    }

    private static DayOfWeek ToDay(string value, string path) => value switch
    {
        "MONDAY" => DayOfWeek.Monday,
        "TUESDAY" => DayOfWeek.Tuesday,
        "WEDNESDAY" => DayOfWeek.Wednesday,
        "THURSDAY" => DayOfWeek.Thursday,
        "FRIDAY" => DayOfWeek.Friday,
        "SATURDAY" => DayOfWeek.Saturday,
        "SUNDAY" => DayOfWeek.Sunday,
        _ => throw Invalid($"{path} '{value}' is not a day (MONDAY .. SUNDAY)"),
    };

    private static decimal? NonNegative(decimal? value, string path) =>
        value is < 0 || value > Limits.MaxTariffVolume
            ? throw Invalid($"{path} must be between 0 and {Limits.MaxTariffVolume}")
            : value;

    /// <summary>Durations up to ten years: enough for any restriction, small enough for every sum over them.</summary>
    private static int? Seconds(int? value, string path) =>
        value is < 0 or > 315_360_000 ? throw Invalid($"{path} must be between 0 and 315360000 seconds") : value;

    private static string Required(string? value, string path) =>
        string.IsNullOrEmpty(value) ? throw Invalid($"{path} is required") : value;

    private static ChargeException Invalid(string message) => ChargeException.InvalidArgument(message);

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]\\z")]
    private static partial Regex TimePattern();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z")]
    private static partial Regex DatePattern();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();

    private sealed class TariffDto
    {
        [JsonPropertyName("country_code")] public string? CountryCode { get; set; }
        [JsonPropertyName("party_id")] public string? PartyId { get; set; }
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("currency")] public string? Currency { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("tariff_alt_text")] public List<DisplayTextDto>? TariffAltText { get; set; }
        [JsonPropertyName("tariff_alt_url")] public string? TariffAltUrl { get; set; }
        [JsonPropertyName("min_price")] public PriceDto? MinPrice { get; set; }
        [JsonPropertyName("max_price")] public PriceDto? MaxPrice { get; set; }
        [JsonPropertyName("elements")] public List<ElementDto>? Elements { get; set; }
        [JsonPropertyName("start_date_time")] public string? StartDateTime { get; set; }
        [JsonPropertyName("end_date_time")] public string? EndDateTime { get; set; }
        [JsonPropertyName("energy_mix")] public JsonElement? EnergyMix { get; set; }
        [JsonPropertyName("last_updated")] public string? LastUpdated { get; set; }
        [JsonPropertyName("time_zone")] public string? TimeZone { get; set; }
    }

    private sealed class DisplayTextDto
    {
        [JsonPropertyName("language")] public string? Language { get; set; }
        [JsonPropertyName("text")] public string? Text { get; set; }
    }

    private sealed class PriceDto
    {
        [JsonPropertyName("excl_vat")] public decimal? ExclVat { get; set; }
        [JsonPropertyName("incl_vat")] public decimal? InclVat { get; set; }
    }

    private sealed class ElementDto
    {
        [JsonPropertyName("price_components")] public List<PriceComponentDto>? PriceComponents { get; set; }
        [JsonPropertyName("restrictions")] public RestrictionsDto? Restrictions { get; set; }
    }

    private sealed class PriceComponentDto
    {
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("price")] public decimal? Price { get; set; }
        [JsonPropertyName("vat")] public decimal? Vat { get; set; }
        [JsonPropertyName("step_size")] public int? StepSize { get; set; }
    }

    private sealed class RestrictionsDto
    {
        [JsonPropertyName("start_time")] public string? StartTime { get; set; }
        [JsonPropertyName("end_time")] public string? EndTime { get; set; }
        [JsonPropertyName("start_date")] public string? StartDate { get; set; }
        [JsonPropertyName("end_date")] public string? EndDate { get; set; }
        [JsonPropertyName("min_kwh")] public decimal? MinKwh { get; set; }
        [JsonPropertyName("max_kwh")] public decimal? MaxKwh { get; set; }
        [JsonPropertyName("min_current")] public decimal? MinCurrent { get; set; }
        [JsonPropertyName("max_current")] public decimal? MaxCurrent { get; set; }
        [JsonPropertyName("min_power")] public decimal? MinPower { get; set; }
        [JsonPropertyName("max_power")] public decimal? MaxPower { get; set; }
        [JsonPropertyName("min_duration")] public int? MinDuration { get; set; }
        [JsonPropertyName("max_duration")] public int? MaxDuration { get; set; }
        [JsonPropertyName("day_of_week")] public List<string>? DayOfWeek { get; set; }
        [JsonPropertyName("reservation")] public string? Reservation { get; set; }
    }
}
