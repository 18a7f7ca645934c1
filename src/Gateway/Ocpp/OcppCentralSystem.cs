using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Charge.Gateway.Services;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The central system's side of OCPP 1.6J: each CALL from a charge point, already validated against its schema,
/// drives the same grains as the gRPC station API. One domain, two protocols.
/// </summary>
public sealed class OcppCentralSystem(IGrainFactory grains, TimeProvider time, IOptions<OcppOptions> options)
{
    private static readonly JsonObject Accepted = new() { ["status"] = "Accepted" };

    public Task<JsonObject> Handle(string chargePointId, string action, JsonObject payload) => action switch
    {
        "BootNotification" => Boot(chargePointId),
        "Heartbeat" => Heartbeat(chargePointId),
        "StatusNotification" => Status(chargePointId, payload),
        "Authorize" => Task.FromResult(new JsonObject { ["idTagInfo"] = Accepted.DeepClone() }),
        "StartTransaction" => StartTransaction(chargePointId, payload),
        "MeterValues" => MeterValues(chargePointId, payload),
        "StopTransaction" => StopTransaction(chargePointId, payload),
        // No vendor extension is handled here (OCPP 1.6, 4.3: answer UnknownVendorId).
        "DataTransfer" => Task.FromResult(new JsonObject { ["status"] = "UnknownVendorId" }),
        "DiagnosticsStatusNotification" or "FirmwareStatusNotification" => Task.FromResult(new JsonObject()),
        _ => throw new OcppCallException(OcppErrorCode.NotImplemented, $"{action} is not implemented by this central system"),
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private IChargerGrain Charger(string id) => grains.GetGrain<IChargerGrain>(id);

    private async Task<JsonObject> Boot(string chargePointId)
    {
        var now = await Charger(chargePointId).Heartbeat(Now);
        return new JsonObject
        {
            ["status"] = "Accepted",
            ["currentTime"] = Iso(now),
            ["interval"] = options.Value.HeartbeatIntervalSeconds,
        };
    }

    private async Task<JsonObject> Heartbeat(string chargePointId) =>
        new() { ["currentTime"] = Iso(await Charger(chargePointId).Heartbeat(Now)) };

    private async Task<JsonObject> Status(string chargePointId, JsonObject p)
    {
        var status = Enum.Parse<ConnectorStatus>(p["status"]!.GetValue<string>());
        var errorCode = p["errorCode"]!.GetValue<string>();
        var at = p["timestamp"] is { } ts ? Timestamp(ts, "StatusNotification.timestamp") : Now;
        await Charger(chargePointId).ReportStatus(new StatusReport(
            Connector(p, "StatusNotification.connectorId", allowZero: true), status, errorCode == "NoError" ? "" : errorCode, at));
        return [];
    }

    private async Task<JsonObject> StartTransaction(string chargePointId, JsonObject p)
    {
        var start = new OcppStart(
            Connector(p, "StartTransaction.connectorId", allowZero: false),
            // The station API's rule for id_tags (OCPP's schema allows 20 characters of it); its InvalidArgument is a
            // PropertyConstraintViolation, as every validator's is (OcppEndpoint.Process).
            RequestValidation.Id(p["idTag"]!.GetValue<string>(), "StartTransaction.idTag"),
            Register(p["meterStart"]!, "StartTransaction.meterStart"),
            Timestamp(p["timestamp"]!, "StartTransaction.timestamp"));
        var transaction = await Charger(chargePointId).StartTransaction(start);
        return new JsonObject { ["transactionId"] = transaction.TransactionId, ["idTagInfo"] = Accepted.DeepClone() };
    }

    private async Task<JsonObject> MeterValues(string chargePointId, JsonObject p)
    {
        Connector(p, "MeterValues.connectorId", allowZero: true);
        var readings = OcppMeterValues.Parse(p["meterValue"]!.AsArray(), "MeterValues.meterValue", Now);
        // Connector-level values without a transaction describe no session: accepted, nothing to count.
        if (p["transactionId"] is { } tx && !readings.IsEmpty)
        {
            await Charger(chargePointId).ReportMeterValuesAccepting(SessionId(chargePointId, TransactionId(tx, "MeterValues.transactionId")), readings);
        }

        return [];
    }

    private async Task<JsonObject> StopTransaction(string chargePointId, JsonObject p)
    {
        var sessionId = SessionId(chargePointId, TransactionId(p["transactionId"]!, "StopTransaction.transactionId"));
        var charger = Charger(chargePointId);
        if (p["transactionData"] is JsonArray data && data.Count > 0)
        {
            var readings = OcppMeterValues.Parse(data, "StopTransaction.transactionData", Now);
            if (!readings.IsEmpty)
            {
                await charger.ReportMeterValuesAccepting(sessionId, readings);
            }
        }

        var stop = new StopSessionCommand(
            sessionId,
            Register(p["meterStop"]!, "StopTransaction.meterStop"),
            Timestamp(p["timestamp"]!, "StopTransaction.timestamp"),
            // OCPP 1.6: an absent reason means Local.
            p["reason"]?.GetValue<string>() ?? "Local");
        try
        {
            await charger.StopSession(stop);
        }
        catch (ChargeException e) when (e.Kind is ChargeErrorKind.NotFound or ChargeErrorKind.FailedPrecondition)
        {
            // The charge point cannot do anything about it and would retry forever: accept, as the spec expects.
            return [];
        }

        return p["idTag"] is null ? [] : new JsonObject { ["idTagInfo"] = Accepted.DeepClone() };
    }

    /// <summary>
    /// The California Pricing message that follows a MeterValues or StopTransaction of a priced session, or null.
    /// RunningCost carries the cost so far (incl. VAT, up to the last reading the session has taken in) and the
    /// register; FinalCost the fixed price once the session is completed.
    /// </summary>
    public async Task<JsonObject?> CostMessage(string chargePointId, string action, JsonObject payload)
    {
        if (action is not ("MeterValues" or "StopTransaction") || payload["transactionId"] is not { } tx)
        {
            return null;
        }

        if (!tx.AsValue().TryGetValue<int>(out var transactionId))
        {
            return null;
        }

        var session = grains.GetGrain<ISessionGrain>(SessionId(chargePointId, transactionId));
        var view = action == "StopTransaction" ? await session.WaitForCompletion(TimeSpan.FromSeconds(5)) : await session.GetView();
        if (view.Cost is not { } cost || view.ChargerId != chargePointId)
        {
            return null;
        }

        var total = decimal.Round(cost.TotalRounded.InclVat, cost.MinorUnits);
        JsonObject data = view.Status == SessionStatus.Completed
            ? new() { ["transactionId"] = transactionId, ["cost"] = total, ["priceText"] = $"{total.ToString(CultureInfo.InvariantCulture)} {cost.Currency}" }
            : new()
            {
                ["transactionId"] = transactionId,
                ["timestamp"] = Iso(view.LastReadingAt ?? view.StartedAt),
                ["meterValue"] = view.LastRegisterWh,
                ["cost"] = total,
                ["state"] = "Charging",
            };
        return new JsonObject
        {
            ["vendorId"] = "org.openchargealliance.costmsg",
            ["messageId"] = view.Status == SessionStatus.Completed ? "FinalCost" : "RunningCost",
            ["data"] = data.ToJsonString(),
        };
    }

    /// <summary>OCPP transactions are sessions "{chargePointId}~{transactionId}".</summary>
    public static string SessionId(string chargePointId, int transactionId) => SessionIds.OfTransaction(chargePointId, transactionId);

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

    private DateTime Timestamp(JsonNode node, string field)
    {
        try
        {
            return RequestValidation.Timestamp(ParseTime(node.GetValue<string>()), field, Now);
        }
        catch (FormatException)
        {
            throw new OcppCallException(OcppErrorCode.TypeConstraintViolation, $"{field} is not an RFC 3339 date-time");
        }
    }

    internal static DateTime ParseTime(string value) =>
        DateTime.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static string Iso(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
