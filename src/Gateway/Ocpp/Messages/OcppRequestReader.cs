using System.Globalization;
using System.Text.Json.Nodes;
using Charge.Gateway.Services;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Messages;

/// <summary>
/// Reads a charge point's CALL payload, already admitted by its schema, into its record, with the bounds the
/// schemas do not express (connectors, registers, 32-bit transaction IDs, plausible times). Numbers are read
/// without casts: 1e25 or a fraction is a PropertyConstraintViolation naming the field, never an overflow.
/// </summary>
public static class OcppRequestReader
{
    // The schema bounds every field (vendor and model 20, firmware 50, serial numbers 25 characters).
    public static BootNotificationRequest Boot(JsonObject p) => new(
        p["chargePointVendor"]!.GetValue<string>(), p["chargePointModel"]!.GetValue<string>(), p["firmwareVersion"]?.GetValue<string>(),
        p["chargePointSerialNumber"]?.GetValue<string>() ?? p["chargeBoxSerialNumber"]?.GetValue<string>());

    public static StatusNotificationRequest Status(JsonObject p, DateTime now) => new(
        Connector(p, "StatusNotification.connectorId", allowZero: true),
        Enum.Parse<ConnectorStatus>(p["status"]!.GetValue<string>()),
        p["errorCode"]!.GetValue<string>(),
        p["timestamp"] is { } ts ? Timestamp(ts, "StatusNotification.timestamp", now) : now);

    // The station API's rule for id_tags (OCPP's schema allows 20 characters of it); its InvalidArgument is a
    // PropertyConstraintViolation, as every validator's is (OcppEndpoint.Process).
    public static AuthorizeRequest Authorize(JsonObject p) => new(RequestValidation.Id(p["idTag"]!.GetValue<string>(), "Authorize.idTag"));

    public static StartTransactionRequest StartTransaction(JsonObject p, DateTime now) => new(
        Connector(p, "StartTransaction.connectorId", allowZero: false),
        RequestValidation.Id(p["idTag"]!.GetValue<string>(), "StartTransaction.idTag"),
        Register(p["meterStart"]!, "StartTransaction.meterStart"),
        Timestamp(p["timestamp"]!, "StartTransaction.timestamp", now));

    public static MeterValuesRequest MeterValues(JsonObject p, DateTime now) => new(
        Connector(p, "MeterValues.connectorId", allowZero: true),
        p["transactionId"] is { } tx ? TransactionId(tx, "MeterValues.transactionId") : null,
        OcppMeterValues.Parse(p["meterValue"]!.AsArray(), "MeterValues.meterValue", now));

    /// <summary>
    /// A stop is never refused for what can be dropped: a transactionData sample that cannot be read is dropped (and
    /// reported), an idTag that is no ID is answered Invalid; only the stop's own fields must be right.
    /// </summary>
    public static StopTransactionRequest StopTransaction(JsonObject p, DateTime now) => new(
        TransactionId(p["transactionId"]!, "StopTransaction.transactionId"),
        p["idTag"]?.GetValue<string>(),
        Register(p["meterStop"]!, "StopTransaction.meterStop"),
        Timestamp(p["timestamp"]!, "StopTransaction.timestamp", now),
        // OCPP 1.6: an absent reason means Local.
        p["reason"]?.GetValue<string>() ?? "Local",
        p["transactionData"] is JsonArray { Count: > 0 } data ? OcppMeterValues.ParseLenient(data, "StopTransaction.transactionData", now) : ([], []));

    private static int Connector(JsonObject p, string field, bool allowZero)
    {
        var min = allowZero ? 0 : 1;
        return Integer(p["connectorId"]!, field) is var value && value >= min && value <= Limits.MaxConnectors
            ? (int)value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {p["connectorId"]!.ToJsonString()} is not a connector ({min}..{Limits.MaxConnectors})");
    }

    private static int TransactionId(JsonNode node, string field) =>
        Integer(node, field) is var value && value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {node.ToJsonString()} is not a transaction ID (a 32-bit integer)");

    /// <summary>An integer the schema admitted: JSON numbers beyond a long (1e25) or with a fraction are refused, never cast.</summary>
    private static decimal Integer(JsonNode node, string field)
    {
        if (node is JsonValue v && v.TryGetValue<decimal>(out var d) && decimal.Truncate(d) == d)
        {
            return d;
        }

        throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(node)} is not an integer in range");
    }

    private static decimal Register(JsonNode node, string field) =>
        Integer(node, field) is var wh && wh >= 0 && wh <= Limits.MaxEnergyWh
            ? wh
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(node)} Wh is not a meter register (0 to {Limits.MaxEnergyWh} Wh)");

    private static string Shown(JsonNode node) => node.ToJsonString() is { Length: > 40 } text ? text[..40] + "…" : node.ToJsonString();

    private static DateTime Timestamp(JsonNode node, string field, DateTime now)
    {
        try
        {
            return RequestValidation.Timestamp(ParseTime(node.GetValue<string>()), field, now);
        }
        catch (FormatException e)
        {
            throw new OcppCallException(OcppErrorCode.TypeConstraintViolation, $"{field} {e.Message}");
        }
    }

    // RFC 3339 date-time: date, time, optional fraction, and a zone (OCPP-J requires one; without it the instant is unknown).
    private static readonly System.Text.RegularExpressions.Regex Rfc3339 = new(
        @"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>An RFC 3339 date-time with its zone, as UTC; a FormatException saying what is wrong otherwise.</summary>
    public static DateTime ParseTime(string value)
    {
        if (!Rfc3339.IsMatch(value))
        {
            throw new FormatException(System.Text.RegularExpressions.Regex.IsMatch(value, @"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?\z")
                ? $"'{Shown(value)}' has no time zone: OCPP date-times end in Z or an offset (+01:00)"
                : $"'{Shown(value)}' is not an RFC 3339 date-time");
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.UtcDateTime
            : throw new FormatException($"'{Shown(value)}' is not a date-time that exists");
    }

    private static string Shown(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
