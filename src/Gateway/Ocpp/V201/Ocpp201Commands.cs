using System.Collections.Immutable;
using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.V201;

/// <summary>
/// OCPP 2.0.1: a transaction is named by the station (a string, the session's local ID); profiles are per EVSE (our
/// connector), and a TxProfile's ID is derived from its EVSE, so a new limit replaces the previous one there.
/// </summary>
public sealed class Ocpp201Commands : IOcppCommandSet
{
    public static readonly Ocpp201Commands Instance = new();

    /// <summary>The TxDefaultProfile's ID (2.0.1 profile IDs are positive); TxProfiles use TxProfileBase + EVSE.</summary>
    public const int DefaultProfileId = 1;

    public const int TxProfileBase = 1000;

    public (string Action, string Payload)? RemoteStop(string chargePointId, string sessionId) =>
        SessionIds.LocalOf(chargePointId, sessionId) is { } tx ? Command("RequestStopTransaction", new RequestStopTransaction(tx)) : null;

    public (string Action, string Payload)? TxLimit(string chargePointId, string sessionId, int connectorId, double limitW, bool inAmps) =>
        SessionIds.LocalOf(chargePointId, sessionId) is not { } tx
            ? null
            : Command("SetChargingProfile", new SetChargingProfile201(connectorId, Profile(TxProfileBase + connectorId, "TxProfile", tx, limitW, inAmps)));

    public (string Action, string Payload)? ClearTxLimit(string chargePointId, string sessionId, int connectorId) =>
        Command("ClearChargingProfile", new ClearChargingProfile201(TxProfileBase + connectorId));

    public (string Action, string Payload) DefaultLimit(double limitW) =>
        Command("SetChargingProfile", new SetChargingProfile201(0, Profile(DefaultProfileId, "TxDefaultProfile", null, limitW, inAmps: false)));

    public (string Action, string Payload) ClearDefaultLimit() => Command("ClearChargingProfile", new ClearChargingProfile201(DefaultProfileId));

    public (string Action, string Payload) CompositeSchedule(int connectorId) => Command("GetCompositeSchedule", new GetCompositeSchedule201(60, "W", connectorId));

    /// <summary>The ID the next RequestStartTransaction names (2.0.1 links the station's Started event to it as remoteStartId).</summary>
    private static int _remoteStartId = Environment.TickCount & int.MaxValue;

    public (string Action, string Payload) Operate(string chargePointId, OperatorCommand command) => command.Kind switch
    {
        OperatorCommandKind.RemoteStart => Command("RequestStartTransaction", new RequestStartTransaction(
            new Token(command.IdTag is { Length: <= 36 } tag ? tag : throw ChargeException.InvalidArgument("id_tag is longer than 36 characters (OCPP 2.0.1 idToken)"), "Central"),
            Interlocked.Increment(ref _remoteStartId) & int.MaxValue, command.ConnectorId == 0 ? null : command.ConnectorId)),
        OperatorCommandKind.RemoteStop => RemoteStop(chargePointId, command.SessionId ?? "")
            ?? throw ChargeException.FailedPrecondition($"session '{command.SessionId}' is no transaction of charger '{chargePointId}'"),
        OperatorCommandKind.Reset => Command("Reset", new Reset201(command.Hard ? "Immediate" : "OnIdle")),
        OperatorCommandKind.ChangeAvailability => Command("ChangeAvailability", new ChangeAvailability201(
            command.Operative ? "Operative" : "Inoperative", command.ConnectorId == 0 ? null : new Evse(command.ConnectorId))),
        OperatorCommandKind.TriggerMessage => Command("TriggerMessage", new TriggerMessage201(
            command.RequestedMessage is "BootNotification" or "FirmwareStatusNotification" or "Heartbeat" or "MeterValues" or "StatusNotification" or "TransactionEvent" or "LogStatusNotification" or "SignChargingStationCertificate"
                ? command.RequestedMessage
                : throw ChargeException.InvalidArgument($"requested_message {command.RequestedMessage} is not one OCPP 2.0.1 can trigger (BootNotification, FirmwareStatusNotification, Heartbeat, MeterValues, StatusNotification, TransactionEvent, LogStatusNotification)"),
            command.ConnectorId == 0 ? null : new Evse(command.ConnectorId))),
        // An EVSE's one connector here is connector 1 of it.
        OperatorCommandKind.Unlock => Command("UnlockConnector", new UnlockConnector201(command.ConnectorId, 1)),
        OperatorCommandKind.RequestReport => Command("GetBaseReport", new GetBaseReport(Interlocked.Increment(ref _remoteStartId) & int.MaxValue,
            command.ReportBase is "FullInventory" or "ConfigurationInventory" or "SummaryInventory" ? command.ReportBase
                : throw ChargeException.InvalidArgument("report_base must be one of FullInventory, ConfigurationInventory, SummaryInventory"))),
        OperatorCommandKind.GetVariable => Command("GetVariables", new GetVariables([new VariableData(null, Component(command), Variable(command))])),
        OperatorCommandKind.SetVariable => Command("SetVariables", new SetVariables([new VariableData(
            command.Value is { Length: <= 1000 } value ? value : throw ChargeException.InvalidArgument("value must be at most 1000 characters (OCPP 2.0.1 attributeValue)"),
            Component(command), Variable(command))])),
        _ => throw ChargeException.InvalidArgument($"{command.Kind} has no OCPP 2.0.1 form"),
    };

    /// <summary>The token type local-list entries are sent with: the registry keeps no types, and cards are ISO 14443.</summary>
    public const string LocalListTokenType = "ISO14443";

    public (string Action, string Payload) LocalListVersion() => ("GetLocalListVersion", "{}");

    public int? ReadLocalListVersion(string answerJson) => JsonSerializer.Deserialize<ListVersion>(answerJson, OcppJson.Options)?.VersionNumber;

    public (string Action, string Payload) SendLocalList(LocalListUpdate update) => Command("SendLocalList", new SendLocalList201(
        update.ListVersion, update.Full ? "Full" : "Differential",
        [.. update.Entries.Select(e => new AuthorizationData(new Token(e.IdTag, LocalListTokenType), e.Info is { } info ? Ocpp201Reader.Info(info) : null))]));

    public (string Status, ImmutableArray<DeviceVariable> Learned) Read(OperatorCommand command, string answerJson, DateTime now)
    {
        switch (command.Kind)
        {
            case OperatorCommandKind.GetVariable:
                var got = JsonSerializer.Deserialize<GetVariablesAnswer>(answerJson, OcppJson.Options)!.GetVariableResult.FirstOrDefault();
                return got is null ? ("Rejected", []) : (got.AttributeStatus, got.AttributeStatus == "Accepted"
                    ? [new DeviceVariable(got.Component.Name, got.Component.Instance, got.Component.Evse?.Id, got.Variable.Name, got.Variable.Instance,
                        got.AttributeType ?? "Actual", got.AttributeValue, null, null, null, now)]
                    : []);
            case OperatorCommandKind.SetVariable:
                var set = JsonSerializer.Deserialize<SetVariablesAnswer>(answerJson, OcppJson.Options)!.SetVariableResult.FirstOrDefault();
                return set is null ? ("Rejected", []) : (set.AttributeStatus, set.AttributeStatus is "Accepted" or "RebootRequired"
                    ? [new DeviceVariable(set.Component.Name, set.Component.Instance, set.Component.Evse?.Id, set.Variable.Name, set.Variable.Instance,
                        set.AttributeType ?? "Actual", command.Value, null, null, null, now)]
                    : []);
            default:
                return (OcppJson.StatusOf(answerJson), []);
        }
    }

    private static ComponentRef Component(OperatorCommand command) =>
        command.Component is { Length: > 0 and <= 50 } name ? new ComponentRef(name) : throw ChargeException.InvalidArgument("component must be 1 to 50 characters (OCPP 2.0.1)");

    private static VariableRef Variable(OperatorCommand command) =>
        command.Variable is { Length: > 0 and <= 50 } name ? new VariableRef(name) : throw ChargeException.InvalidArgument("variable must be 1 to 50 characters (OCPP 2.0.1)");

    public double? CompositeLimitW(string answerJson) =>
        JsonSerializer.Deserialize<CompositeScheduleAnswer201>(answerJson, OcppJson.Options) is { Status: "Accepted", Schedule: { ChargingRateUnit: "W", ChargingSchedulePeriod: { IsDefaultOrEmpty: false } periods } }
            ? (double)periods[0].Limit
            : null;

    private static ChargingProfile201 Profile(int id, string purpose, string? transactionId, double limitW, bool inAmps) =>
        new(id, 0, purpose, "Relative", [inAmps
            ? new ChargingSchedule201(id, "A", [new ChargingSchedulePeriod(0, OcppSmartCharging.Tenths(limitW / (230 * 3)), 3)])
            : new ChargingSchedule201(id, "W", [new ChargingSchedulePeriod(0, OcppSmartCharging.Tenths(limitW))])], transactionId);

    private static (string, string) Command<T>(string action, T payload) => (action, JsonSerializer.Serialize(payload, OcppJson.Options));

    private sealed record RequestStopTransaction(string TransactionId);

    private sealed record Token(string IdToken, string Type);

    private sealed record GetBaseReport(int RequestId, string ReportBase);

    private sealed record ListVersion(int VersionNumber);

    private sealed record AuthorizationData(Token IdToken, IdTokenInfo201? IdTokenInfo);

    private sealed record SendLocalList201(int VersionNumber, string UpdateType, ImmutableArray<AuthorizationData> LocalAuthorizationList);

    public sealed record ComponentRef(string Name, string? Instance = null, EvseRef? Evse = null);

    public sealed record EvseRef(int Id, int? ConnectorId = null);

    public sealed record VariableRef(string Name, string? Instance = null);

    private sealed record VariableData(string? AttributeValue, ComponentRef Component, VariableRef Variable);

    private sealed record GetVariables(ImmutableArray<VariableData> GetVariableData);

    private sealed record SetVariables(ImmutableArray<VariableData> SetVariableData);

    private sealed record VariableResult(string AttributeStatus, ComponentRef Component, VariableRef Variable, string? AttributeType = null, string? AttributeValue = null);

    private sealed record GetVariablesAnswer(ImmutableArray<VariableResult> GetVariableResult);

    private sealed record SetVariablesAnswer(ImmutableArray<VariableResult> SetVariableResult);

    private sealed record RequestStartTransaction(Token IdToken, int RemoteStartId, int? EvseId);

    private sealed record Reset201(string Type);

    private sealed record Evse(int Id);

    private sealed record ChangeAvailability201(string OperationalStatus, Evse? Evse);

    private sealed record TriggerMessage201(string RequestedMessage, Evse? Evse);

    private sealed record UnlockConnector201(int EvseId, int ConnectorId);

    private sealed record SetChargingProfile201(int EvseId, ChargingProfile201 ChargingProfile);

    private sealed record ChargingProfile201(int Id, int StackLevel, string ChargingProfilePurpose, string ChargingProfileKind,
        ImmutableArray<ChargingSchedule201> ChargingSchedule, string? TransactionId);

    private sealed record ChargingSchedule201(int Id, string ChargingRateUnit, ImmutableArray<ChargingSchedulePeriod> ChargingSchedulePeriod);

    private sealed record ClearChargingProfile201(int ChargingProfileId);

    private sealed record GetCompositeSchedule201(int Duration, string ChargingRateUnit, int EvseId);

    private sealed record CompositeScheduleAnswer201(string Status, CompositeSchedulePeriods? Schedule);

    private sealed record CompositeSchedulePeriods(string ChargingRateUnit, ImmutableArray<ChargingSchedulePeriod> ChargingSchedulePeriod);
}
