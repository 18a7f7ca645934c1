using System.Collections.Immutable;
using System.Text.Json;

namespace Charge.Gateway.Ocpp.Messages;

// The OCPP 1.6J requests a charge point sends, as their schemas admit them (field names and types are the spec's).
// A payload is bound to its record once, after its schema passed; OcppRequestReader then applies the bounds a schema
// cannot say (connectors, registers, 32-bit transaction IDs, plausible times) and makes the domain's request. Integers
// are bound as decimal: the frame already refused numbers beyond 64 bits, and a fraction is named, never truncated.

public sealed record BootNotificationWire(
    string ChargePointVendor, string ChargePointModel, string? ChargePointSerialNumber = null, string? ChargeBoxSerialNumber = null,
    string? FirmwareVersion = null, string? Iccid = null, string? Imsi = null, string? MeterType = null, string? MeterSerialNumber = null);

public sealed record StatusNotificationWire(
    decimal ConnectorId, string ErrorCode, string Status, string? Info = null, string? Timestamp = null, string? VendorId = null, string? VendorErrorCode = null);

public sealed record AuthorizeWire(string IdTag);

public sealed record StartTransactionWire(decimal ConnectorId, string IdTag, decimal MeterStart, string Timestamp, decimal? ReservationId = null);

public sealed record SampledValueWire(
    string Value, string? Context = null, string? Format = null, string? Measurand = null, string? Phase = null, string? Location = null, string? Unit = null);

public sealed record MeterValueWire(string Timestamp, ImmutableArray<SampledValueWire> SampledValue);

public sealed record MeterValuesWire(decimal ConnectorId, decimal? TransactionId, ImmutableArray<MeterValueWire> MeterValue);

/// <summary>transactionData stays elements until each sample's schema check decides which are kept (a stop is never refused for one sample).</summary>
public sealed record StopTransactionWire(decimal TransactionId, decimal MeterStop, string Timestamp, string? IdTag = null, string? Reason = null,
    ImmutableArray<JsonElement>? TransactionData = null);

/// <summary>Binds a payload its schema admitted to its wire record.</summary>
public static class OcppWire
{
    /// <summary>The payload as its wire record. Its schema passed, so a failure here is a value no record can hold, named by its path.</summary>
    public static T Bind<T>(JsonElement payload, string action)
    {
        try
        {
            return payload.Deserialize<T>(OcppJson.Options) ?? throw new JsonException("null payload");
        }
        catch (JsonException e)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"{action}.{e.Path?.TrimStart('$', '.')}: the value cannot be read");
        }
    }
}
