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

    public static StopTransactionRequest StopTransaction(JsonObject p, DateTime now) => new(
        TransactionId(p["transactionId"]!, "StopTransaction.transactionId"),
        p["idTag"]?.GetValue<string>(),
        Register(p["meterStop"]!, "StopTransaction.meterStop"),
        Timestamp(p["timestamp"]!, "StopTransaction.timestamp", now),
        // OCPP 1.6: an absent reason means Local.
        p["reason"]?.GetValue<string>() ?? "Local",
        p["transactionData"] is JsonArray { Count: > 0 } data ? OcppMeterValues.Parse(data, "StopTransaction.transactionData", now) : []);

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
        catch (FormatException)
        {
            throw new OcppCallException(OcppErrorCode.TypeConstraintViolation, $"{field} is not an RFC 3339 date-time");
        }
    }

    public static DateTime ParseTime(string value) =>
        DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
