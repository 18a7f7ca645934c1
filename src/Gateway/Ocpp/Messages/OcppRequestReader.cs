using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Charge.Gateway.Services;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Messages;

/// <summary>
/// A charge point's CALL, bound to its wire record after its schema admitted it, to the domain's request, with the
/// bounds the schemas do not express (connectors, registers, 32-bit transaction IDs, plausible times: the rules in
/// <see cref="Limits"/>, <see cref="RequestValidation"/> and <see cref="ReadingRules"/> every transport uses).
/// </summary>
public static class OcppRequestReader
{
    // The schema bounds every field (vendor and model 20, firmware 50, serial numbers 25 characters).
    public static BootNotificationRequest Boot(BootNotificationWire w) =>
        new(w.ChargePointVendor, w.ChargePointModel, w.FirmwareVersion, w.ChargePointSerialNumber ?? w.ChargeBoxSerialNumber);

    public static StatusNotificationRequest Status(StatusNotificationWire w, DateTime now) => new(
        Connector(w.ConnectorId, "StatusNotification.connectorId", allowZero: true),
        Enum.Parse<ConnectorStatus>(w.Status),
        w.ErrorCode,
        w.Timestamp is { } ts ? OcppTime.Read(ts, "StatusNotification.timestamp", now) : now);

    // The station API's rule for id_tags (OCPP's schema allows 20 characters of it); its InvalidArgument is a
    // PropertyConstraintViolation, as every validator's is (OcppEndpoint.Dispatch).
    public static AuthorizeRequest Authorize(AuthorizeWire w) => new(RequestValidation.Id(w.IdTag, "Authorize.idTag"));

    public static StartTransactionRequest StartTransaction(StartTransactionWire w, DateTime now) => new(
        Connector(w.ConnectorId, "StartTransaction.connectorId", allowZero: false),
        RequestValidation.Id(w.IdTag, "StartTransaction.idTag"),
        Register(w.MeterStart, "StartTransaction.meterStart"),
        OcppTime.Read(w.Timestamp, "StartTransaction.timestamp", now));

    public static MeterValuesRequest MeterValues(MeterValuesWire w, DateTime now) => new(
        Connector(w.ConnectorId, "MeterValues.connectorId", allowZero: true),
        w.TransactionId is { } tx ? TransactionId(tx, "MeterValues.transactionId") : null,
        OcppMeterValues.Parse(w.MeterValue, "MeterValues.meterValue", now));

    /// <summary>
    /// A stop is never refused for what can be dropped: a transactionData sample its schema refused
    /// (<paramref name="sampleProblems"/>, by index) or that cannot be read is dropped and reported; an idTag that is
    /// no ID is answered Invalid by the handler; only the stop's own fields must be right.
    /// </summary>
    public static StopTransactionRequest StopTransaction(StopTransactionWire w, IReadOnlyDictionary<int, string> sampleProblems, DateTime now) => new(
        TransactionId(w.TransactionId, "StopTransaction.transactionId"),
        w.IdTag,
        Register(w.MeterStop, "StopTransaction.meterStop"),
        OcppTime.Read(w.Timestamp, "StopTransaction.timestamp", now),
        // OCPP 1.6: an absent reason means Local.
        w.Reason ?? "Local",
        w.TransactionData is { IsDefaultOrEmpty: false } data ? OcppMeterValues.ParseLenient(data, sampleProblems, "StopTransaction.transactionData", now) : ([], []));

    private static int Connector(decimal value, string field, bool allowZero)
    {
        var min = allowZero ? 0 : 1;
        return Integer(value, field) >= min && value <= Limits.MaxConnectors
            ? (int)value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(value)} is not a connector ({min}..{Limits.MaxConnectors})");
    }

    private static int TransactionId(decimal value, string field) =>
        Integer(value, field) is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(value)} is not a transaction ID (a 32-bit integer)");

    private static decimal Integer(decimal value, string field) =>
        decimal.Truncate(value) == value ? value : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(value)} is not an integer");

    private static decimal Register(decimal wh, string field) =>
        Integer(wh, field) >= 0 && wh <= Limits.MaxEnergyWh
            ? wh
            : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{field} {Shown(wh)} Wh is not a meter register (0 to {Limits.MaxEnergyWh} Wh)");

    private static string Shown(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
