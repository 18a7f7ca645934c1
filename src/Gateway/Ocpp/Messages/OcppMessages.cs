using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Messages;

// OCPP 1.6J messages as records: the domain's reading of a charge point's request (made by OcppRequestReader from its
// wire record), our responses, and the commands we send, written with OcppJson. Field names follow the spec.

/// <summary>idTagInfo (OCPP 1.6, 7.30).</summary>
public sealed record IdTagInfo(string Status, DateTime? ExpiryDate = null, string? ParentIdTag = null)
{
    public static readonly IdTagInfo Accepted = new("Accepted");

    /// <summary>The token registry's answer as a charger reads it (AuthorizationStatus names are the spec's).</summary>
    public static IdTagInfo From(TokenAuthorization authorization) =>
        new(authorization.Status.ToString(), authorization.ExpiryDate, authorization.ParentIdTag);
}

public sealed record BootNotificationRequest(string ChargePointVendor, string ChargePointModel, string? FirmwareVersion, string? SerialNumber = null);

public sealed record BootNotificationResponse(string Status, string CurrentTime, int Interval);

public sealed record HeartbeatResponse(string CurrentTime);

public sealed record StatusNotificationRequest(int ConnectorId, ConnectorStatus Status, string ErrorCode, DateTime Timestamp);

public sealed record AuthorizeRequest(string IdTag);

public sealed record AuthorizeResponse(IdTagInfo IdTagInfo);

public sealed record StartTransactionRequest(int ConnectorId, string IdTag, decimal MeterStart, DateTime Timestamp);

public sealed record StartTransactionResponse(int TransactionId, IdTagInfo IdTagInfo);

public sealed record MeterValuesRequest(int ConnectorId, int? TransactionId, ImmutableArray<MeterReading> Readings);

public sealed record StopTransactionRequest(int TransactionId, string? IdTag, decimal MeterStop, DateTime Timestamp, string Reason,
    (ImmutableArray<MeterReading> Readings, ImmutableArray<string> Dropped) TransactionData);

public sealed record StopTransactionResponse(IdTagInfo? IdTagInfo);

public sealed record DataTransferResponse(string Status);

/// <summary>An empty payload: Heartbeat's request, the confirmations of StatusNotification, MeterValues and the notifications.</summary>
public sealed record Empty;

// Commands the central system sends (CALLs to the charge point).

public sealed record RemoteStartTransaction(string IdTag, int? ConnectorId);

public sealed record RemoteStopTransaction(int TransactionId);

public sealed record Reset(string Type);

public sealed record ChangeAvailability(int ConnectorId, string Type);

public sealed record TriggerMessage(string RequestedMessage, int? ConnectorId);

public sealed record UnlockConnector(int ConnectorId);

/// <summary>SendLocalList (OCPP 1.6, 6.44): updateType Full or Differential; an entry without idTagInfo is removed.</summary>
public sealed record SendLocalList(int ListVersion, string UpdateType, ImmutableArray<LocalAuthorization> LocalAuthorizationList);

public sealed record LocalAuthorization(string IdTag, IdTagInfo? IdTagInfo);

public sealed record GetLocalListVersion;

/// <summary>SetChargingProfile (OCPP 1.6, 6.43) with a TxProfile: the running transaction may draw at most the limit from now on.</summary>
public sealed record SetChargingProfile(int ConnectorId, ChargingProfile CsChargingProfiles);

public sealed record ChargingProfile(int ChargingProfileId, int? TransactionId, int StackLevel, string ChargingProfilePurpose, string ChargingProfileKind, ChargingSchedule ChargingSchedule);

public sealed record ChargingSchedule(string ChargingRateUnit, ImmutableArray<ChargingSchedulePeriod> ChargingSchedulePeriod);

public sealed record ChargingSchedulePeriod(int StartPeriod, decimal Limit, int? NumberPhases = null);

/// <summary>ClearChargingProfile (OCPP 1.6, 6.17) of one profile ID.</summary>
public sealed record ClearChargingProfile(int Id);

/// <summary>GetCompositeSchedule (OCPP 1.6, 6.26): what the connector will actually draw at most over the next seconds.</summary>
public sealed record GetCompositeSchedule(int ConnectorId, int Duration, string ChargingRateUnit);

public sealed record CompositeSchedule(string Status, int? ConnectorId, ChargingSchedule? ChargingSchedule);

public sealed record LocalListVersion(int ListVersion);

/// <summary>A California Pricing cost message (RunningCost / FinalCost), sent in a DataTransfer.</summary>
public sealed record CostDataTransfer(string VendorId, string MessageId, string Data);

/// <summary>The common answer to a command: its status (Accepted, Rejected, ...).</summary>
public sealed record CommandStatus(string Status);

/// <summary>How OCPP messages are written: camelCase as the spec names them, absent optional fields left out.</summary>
public static class OcppJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new UtcTimeConverter() },
    };


    /// <summary>A command's action name is its record's name (RemoteStopTransaction, Reset, ...).</summary>
    public static (string Action, string Payload) Command<T>(T command)
        where T : notnull => (typeof(T).Name, JsonSerializer.Serialize(command, Options));

    /// <summary>The status a charge point answered a command with (Accepted, Rejected, ...); empty when it gave none.</summary>
    public static string StatusOf(string answerJson) => JsonSerializer.Deserialize<CommandStatus>(answerJson, Options)?.Status ?? "";

    public static string Time(DateTime t) => OcppTime.Format(t);

    private sealed class UtcTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            OcppTime.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(Time(value));
    }
}
