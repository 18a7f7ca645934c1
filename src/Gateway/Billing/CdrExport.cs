using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Gateway.Billing;

/// <summary>Completed sessions as OCPI 2.2.1 CDRs and as CSV rows. Pure.</summary>
public static class CdrExport
{
    /// <summary>
    /// The export's OCPI 2.2.1 CDR objects as a JSON array: each priced session's CDR, followed by its credit CDR when a
    /// credit note reversed its invoice.
    /// </summary>
    public static string Cdrs(CdrExportData data) =>
        new JsonArray([.. data.Sessions.SelectMany(s => Records(s, data.Party))]).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    private static IEnumerable<JsonNode> Records(CdrSession session, CdrParty party)
    {
        var cdr = Cdr(session, party);
        yield return cdr;
        if (session.Session.CreditNoteNumber is { } creditNote)
        {
            yield return CreditCdr(cdr, creditNote);
        }
    }

    /// <summary>
    /// OCPI's credit CDR for a credited session: the session's CDR with every cost negated, <c>credit</c> true and
    /// <c>credit_reference_id</c> the CDR it reverses; its id is that CDR's with "-C" (OCPI leaves a credit CDR 39
    /// characters for exactly this), and it refers to the credit note as its invoice.
    /// </summary>
    public static JsonObject CreditCdr(JsonObject cdr, string creditNoteNumber)
    {
        var original = cdr.DeepClone().AsObject();
        var id = original["id"]!.GetValue<string>();
        foreach (var field in new[] { "total_cost", "total_fixed_cost", "total_energy_cost", "total_time_cost", "total_parking_cost" })
        {
            var price = original[field]!.AsObject();
            original[field] = new JsonObject
            {
                ["excl_vat"] = Negated(price["excl_vat"]!),
                ["incl_vat"] = Negated(price["incl_vat"]!),
            };
        }

        original["id"] = id + "-C";
        original["credit"] = true;
        original["credit_reference_id"] = id;
        original["invoice_reference_id"] = creditNoteNumber;
        return original;
    }

    private static JsonNode Negated(JsonNode number) =>
        Exact(-decimal.Parse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>An OCPI 2.2.1 CDR object. Only priced sessions have one (a CDR's total_cost and currency are required).</summary>
    public static JsonObject Cdr(CdrSession context, CdrParty billing)
    {
        var s = context.Session;
        var cost = s.Cost ?? throw new InvalidOperationException($"session {s.SessionId} has no price");
        var evseUid = $"{s.ChargerId}-{s.ConnectorId}";
        var cdr = new JsonObject
        {
            ["country_code"] = billing.CountryCode,
            ["party_id"] = billing.PartyId,
            ["id"] = OcpiId(s.SessionId),
            ["start_date_time"] = Utc(s.StartedAt),
            ["end_date_time"] = Utc(s.StoppedAt!.Value),
            ["session_id"] = OcpiId(s.SessionId),
            ["cdr_token"] = new JsonObject
            {
                ["country_code"] = billing.CountryCode,
                ["party_id"] = billing.PartyId,
                ["uid"] = s.IdTag,
                ["type"] = "RFID",
                ["contract_id"] = s.IdTag,
            },
            ["auth_method"] = "WHITELIST",
            ["cdr_location"] = new JsonObject
            {
                ["id"] = s.SiteId ?? s.ChargerId,
                ["name"] = context.Site?.Name,
                ["address"] = context.Site?.Address ?? "",
                ["city"] = context.Site?.City ?? "",
                ["postal_code"] = context.Site?.PostalCode,
                ["country"] = context.Site?.Country ?? "",
                ["evse_uid"] = evseUid,
                ["evse_id"] = evseUid,
                ["connector_id"] = s.ConnectorId.ToString(CultureInfo.InvariantCulture),
                ["connector_standard"] = context.Connector.Standard,
                ["connector_format"] = context.Connector.Format,
                ["connector_power_type"] = context.Connector.PowerType,
            },
            ["currency"] = cost.Currency,
            ["tariffs"] = context.TariffOcpiJson is { } json ? new JsonArray(JsonNode.Parse(json)) : new JsonArray(),
            ["charging_periods"] = Periods(cost, s.Tariff?.TariffId),
            ["total_cost"] = Price(cost.TotalRounded),
            ["total_fixed_cost"] = Price(cost.CostOf(TariffDimension.Flat)),
            ["total_energy"] = Exact(s.EnergyWh / 1000m),
            ["total_energy_cost"] = Price(cost.CostOf(TariffDimension.Energy)),
            ["total_time"] = Exact((decimal)(s.StoppedAt!.Value - s.StartedAt).TotalHours),
            ["total_time_cost"] = Price(cost.CostOf(TariffDimension.Time)),
            ["total_parking_time"] = Exact(Volume(cost, TariffDimension.ParkingTime)),
            ["total_parking_cost"] = Price(cost.CostOf(TariffDimension.ParkingTime)),
            ["last_updated"] = Utc(s.StoppedAt!.Value),
        };
        if (s.InvoiceNumber is { } invoice)
        {
            cdr["invoice_reference_id"] = invoice;
        }

        return cdr;
    }

    /// <summary>OCPI charging periods: one per start of a priced stretch, with its dimensions (FLAT is not a CDR dimension).</summary>
    private static JsonArray Periods(CostBreakdown cost, string? tariffId)
    {
        var periods = new JsonArray();
        foreach (var group in cost.Periods.Where(p => p.Dimension != TariffDimension.Flat).GroupBy(p => p.Start).OrderBy(g => g.Key))
        {
            var dimensions = new JsonArray();
            foreach (var p in group.OrderBy(p => p.Dimension))
            {
                dimensions.Add(new JsonObject
                {
                    ["type"] = p.Dimension switch { TariffDimension.Energy => "ENERGY", TariffDimension.Time => "TIME", _ => "PARKING_TIME" },
                    ["volume"] = Exact(p.Volume),
                });
            }

            periods.Add(new JsonObject { ["start_date_time"] = Utc(group.Key), ["dimensions"] = dimensions, ["tariff_id"] = tariffId });
        }

        return periods;
    }

    public static readonly string[] CsvColumns =
    [
        "session_id", "charger_id", "site_id", "connector_id", "id_tag", "start_utc", "stop_utc", "local_start", "local_stop", "time_zone",
        "energy_kwh", "duration_minutes", "stop_reason", "tariff_id", "tariff_version", "currency",
        "energy_cost_excl_vat", "time_cost_excl_vat", "parking_cost_excl_vat", "flat_cost_excl_vat",
        "total_excl_vat", "total_incl_vat", "invoice_number", "credit_note_number",
    ];

    public static string CsvRow(SessionView s)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone);
        var stop = s.StoppedAt ?? s.StartedAt;
        string Cost(TariffDimension d) => s.Cost is { } c ? Text(c.CostOf(d).ExclVat) : "";
        string[] values =
        [
            s.SessionId, s.ChargerId, s.SiteId ?? "", s.ConnectorId.ToString(CultureInfo.InvariantCulture), s.IdTag, Utc(s.StartedAt), Utc(stop),
            LocalTime.Iso(s.StartedAt, zone), LocalTime.Iso(stop, zone), s.TimeZone,
            Text(s.EnergyWh / 1000m), Text((decimal)(stop - s.StartedAt).TotalMinutes), s.StopReason,
            s.Tariff?.TariffId ?? "", s.Tariff?.Version.ToString(CultureInfo.InvariantCulture) ?? "", s.Cost?.Currency ?? "",
            Cost(TariffDimension.Energy), Cost(TariffDimension.Time), Cost(TariffDimension.ParkingTime), Cost(TariffDimension.Flat),
            s.Cost is { } total ? Text(total.TotalRounded.ExclVat) : "", s.Cost is { } t2 ? Text(t2.TotalRounded.InclVat) : "", s.InvoiceNumber ?? "",
            s.CreditNoteNumber ?? "",
        ];
        return string.Join(',', values.Select(Quote));
    }

    public static string Csv(IEnumerable<SessionView> sessions)
    {
        var csv = new StringBuilder().Append(string.Join(',', CsvColumns)).Append("\r\n");
        foreach (var s in sessions)
        {
            csv.Append(CsvRow(s)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// RFC 4180: a field with a comma, quote, tab or line break is quoted, quotes doubled. Spreadsheets run a cell that
    /// begins with = + - @, tab or CR as a formula, and some split on ';' or tab as well as ','. So a text field with
    /// such a character at its start or after any of those separators is neutralised with a leading apostrophe.
    /// </summary>
    public static string Quote(string value)
    {
        if (IsFormula(value) && !decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n', '\t', ';']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    private static bool IsFormula(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if ((i == 0 || value[i - 1] is ',' or ';' or '\t' or '\r' or '\n') && value[i] is '=' or '+' or '-' or '@' or '\t' or '\r')
            {
                return true;
            }
        }

        return false;
    }

    private static decimal Volume(CostBreakdown cost, TariffDimension d) =>
        cost.Dimensions.FirstOrDefault(x => x.Dimension == d)?.BilledVolume ?? 0m;

    private static JsonObject Price(Money m) => new() { ["excl_vat"] = Exact(m.ExclVat), ["incl_vat"] = Exact(m.InclVat) };

    /// <summary>
    /// An OCPI number: a JSON number of at most 4 decimals (OCPI 2.2.1's types: "numbers use 4 decimals"), rounded half
    /// away from zero from the exact decimal; the invoice keeps full precision, totals are rounded to the currency's
    /// minor unit before they get here.
    /// </summary>
    private static JsonNode Exact(decimal value) => JsonNode.Parse(Text(Math.Round(value, 4, MidpointRounding.AwayFromZero)))!;

    /// <summary>The most characters of a CDR's session_id (CiString(36); its id allows 39): the stricter bound for both.</summary>
    public const int MaxOcpiIdLength = 36;

    /// <summary>
    /// A session ID as a CDR's id and session_id: itself when it fits OCPI's 36 characters; otherwise a stable digest
    /// of it ("H" and 35 base-32 characters of its SHA-256), the same in every export.
    /// </summary>
    public static string OcpiId(string sessionId)
    {
        if (sessionId.Length <= MaxOcpiIdLength)
        {
            return sessionId;
        }

        return "H" + SessionIds.Base32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)), MaxOcpiIdLength - 1);
    }

    /// <summary>
    /// A number without trailing zeros, as the API writes it: the same value reads the same whether its session was
    /// computed in memory or read back from storage, which keeps a decimal's scale (12 kWh came back as 12.0 once
    /// finished sessions were reloaded rather than kept in memory).
    /// </summary>
    private static string Text(decimal value) => Services.CostMapping.Text(value);

    private static string Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
