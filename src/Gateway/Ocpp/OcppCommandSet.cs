using System.Collections.Immutable;
using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// How the domain's commands to a charge point are written in one OCPP version (action and payload), and how the
/// answers that carry more than a status are read. The connection sends them the same way for every version.
/// </summary>
public interface IOcppCommandSet
{
    /// <summary>The CALL that stops a session's transaction (1.6 RemoteStopTransaction, 2.0.1 RequestStopTransaction); null when the session is not one of this charger's transactions.</summary>
    (string Action, string Payload)? RemoteStop(string chargePointId, string sessionId);

    /// <summary>The TxProfile limiting a running transaction to <paramref name="limitW"/> (in A per phase when <paramref name="inAmps"/>); null when the session is no transaction here.</summary>
    (string Action, string Payload)? TxLimit(string chargePointId, string sessionId, int connectorId, double limitW, bool inAmps);

    /// <summary>Clears a transaction's TxProfile (the site's limit was removed).</summary>
    (string Action, string Payload)? ClearTxLimit(string chargePointId, string sessionId, int connectorId);

    /// <summary>The TxDefaultProfile every new transaction draws under until its own limit arrives.</summary>
    (string Action, string Payload) DefaultLimit(double limitW);

    (string Action, string Payload) ClearDefaultLimit();

    /// <summary>Asks what the connector will draw at most over the next minute.</summary>
    (string Action, string Payload) CompositeSchedule(int connectorId);

    /// <summary>The composite schedule's limit now, in W; null when the answer gives none in W.</summary>
    double? CompositeLimitW(string answerJson);

    /// <summary>An operator's command in this version; InvalidArgument when it has no form here (an idTag too long for 1.6).</summary>
    (string Action, string Payload) Operate(string chargePointId, OperatorCommand command);

    /// <summary>Asks which version of the local authorization list the charger holds.</summary>
    (string Action, string Payload) LocalListVersion();

    /// <summary>The version in the answer to <see cref="LocalListVersion"/>; null when it gives none.</summary>
    int? ReadLocalListVersion(string answerJson);

    /// <summary>A local-list update (full or differential; an entry without its standing is removed).</summary>
    (string Action, string Payload) SendLocalList(LocalListUpdate update);

    /// <summary>The charger's answer to <paramref name="command"/>: its status, and the device variables it reported on the way.</summary>
    (string Status, ImmutableArray<DeviceVariable> Learned) Read(OperatorCommand command, string answerJson, DateTime now);

    public static IOcppCommandSet For(OcppProtocol protocol) => protocol == OcppProtocol.V201 ? V201.Ocpp201Commands.Instance : Ocpp16Commands.Instance;
}

/// <summary>OCPP 1.6J: transactions are integers; profiles are per connector, a TxProfile's ID its transaction's.</summary>
public sealed class Ocpp16Commands : IOcppCommandSet
{
    public static readonly Ocpp16Commands Instance = new();

    public (string Action, string Payload)? RemoteStop(string chargePointId, string sessionId) =>
        SessionIds.TransactionOf(chargePointId, sessionId) is { } tx ? OcppJson.Command(new RemoteStopTransaction(tx)) : null;

    public (string Action, string Payload)? TxLimit(string chargePointId, string sessionId, int connectorId, double limitW, bool inAmps) =>
        SessionIds.TransactionOf(chargePointId, sessionId) is not { } tx
            ? null
            : OcppJson.Command(new SetChargingProfile(connectorId, new ChargingProfile(tx, tx, 0, "TxProfile", "Relative", inAmps
                // Many chargers take limits only in amperes: the same limit per phase on three phases at 230 V.
                ? new ChargingSchedule("A", [new ChargingSchedulePeriod(0, OcppSmartCharging.Tenths(limitW / (230 * 3)), 3)])
                : new ChargingSchedule("W", [new ChargingSchedulePeriod(0, OcppSmartCharging.Tenths(limitW))]))));

    public (string Action, string Payload)? ClearTxLimit(string chargePointId, string sessionId, int connectorId) =>
        SessionIds.TransactionOf(chargePointId, sessionId) is { } tx ? OcppJson.Command(new ClearChargingProfile(tx)) : null;

    public (string Action, string Payload) DefaultLimit(double limitW) => OcppJson.Command(OcppSmartCharging.DefaultProfile(limitW));

    public (string Action, string Payload) ClearDefaultLimit() => OcppJson.Command(new ClearChargingProfile(OcppSmartCharging.DefaultProfileId));

    public (string Action, string Payload) CompositeSchedule(int connectorId) => OcppJson.Command(new GetCompositeSchedule(connectorId, 60, "W"));

    public (string Action, string Payload) Operate(string chargePointId, OperatorCommand command) => command.Kind switch
    {
        OperatorCommandKind.RemoteStart => OcppJson.Command(new RemoteStartTransaction(
            command.IdTag is { Length: <= 20 } tag ? tag : throw ChargeException.InvalidArgument("id_tag is longer than 20 characters (OCPP 1.6 idTag)"),
            command.ConnectorId == 0 ? null : command.ConnectorId)),
        OperatorCommandKind.RemoteStop => RemoteStop(chargePointId, command.SessionId ?? "")
            ?? throw ChargeException.FailedPrecondition($"session '{command.SessionId}' was not started over OCPP on charger '{chargePointId}'"),
        OperatorCommandKind.Reset => OcppJson.Command(new Reset(command.Hard ? "Hard" : "Soft")),
        OperatorCommandKind.ChangeAvailability => OcppJson.Command(new ChangeAvailability(command.ConnectorId, command.Operative ? "Operative" : "Inoperative")),
        OperatorCommandKind.TriggerMessage => OcppJson.Command(new TriggerMessage(
            command.RequestedMessage is "BootNotification" or "DiagnosticsStatusNotification" or "FirmwareStatusNotification" or "Heartbeat" or "MeterValues" or "StatusNotification"
                ? command.RequestedMessage
                : throw ChargeException.InvalidArgument($"requested_message {command.RequestedMessage} is not one OCPP 1.6 can trigger (BootNotification, DiagnosticsStatusNotification, FirmwareStatusNotification, Heartbeat, MeterValues, StatusNotification)"),
            command.ConnectorId == 0 ? null : command.ConnectorId)),
        OperatorCommandKind.Unlock => OcppJson.Command(new UnlockConnector(command.ConnectorId)),
        // OCPP 1.6 has no components: the configuration keys are its device model.
        OperatorCommandKind.RequestReport => ("GetConfiguration", "{}"),
        OperatorCommandKind.GetVariable => ("GetConfiguration", JsonSerializer.Serialize(new { key = new[] { Key(command) } })),
        OperatorCommandKind.SetVariable => ("ChangeConfiguration", JsonSerializer.Serialize(new { key = Key(command), value = command.Value ?? "" })),
        _ => throw ChargeException.InvalidArgument($"{command.Kind} has no OCPP 1.6 form"),
    };

    public (string Action, string Payload) LocalListVersion() => OcppJson.Command(new GetLocalListVersion());

    public int? ReadLocalListVersion(string answerJson) => JsonSerializer.Deserialize<LocalListVersion>(answerJson, OcppJson.Options)?.ListVersion;

    public (string Action, string Payload) SendLocalList(LocalListUpdate update) =>
        OcppJson.Command(new SendLocalList(update.ListVersion, update.Full ? "Full" : "Differential",
            [.. update.Entries.Select(e => new LocalAuthorization(e.IdTag, e.Info is { } info ? IdTagInfo.From(info) : null))]));

    /// <summary>The component of every 1.6 configuration key in the device model.</summary>
    public const string ConfigurationComponent = "OCPP16";

    public (string Status, ImmutableArray<DeviceVariable> Learned) Read(OperatorCommand command, string answerJson, DateTime now)
    {
        switch (command.Kind)
        {
            case OperatorCommandKind.RequestReport or OperatorCommandKind.GetVariable:
                var configuration = JsonSerializer.Deserialize<Configuration>(answerJson, OcppJson.Options)!;
                var learned = (configuration.ConfigurationKey ?? []).Select(k =>
                    new DeviceVariable(ConfigurationComponent, null, null, k.Key, null, "Actual", k.Value, k.Readonly ? "ReadOnly" : "ReadWrite", null, null, now)).ToImmutableArray();
                return (command.Kind == OperatorCommandKind.GetVariable && learned.IsEmpty ? "UnknownVariable" : "Accepted", learned);
            case OperatorCommandKind.SetVariable:
                var status = OcppJson.StatusOf(answerJson);
                return (status, status is "Accepted" or "RebootRequired"
                    ? [new DeviceVariable(ConfigurationComponent, null, null, Key(command), null, "Actual", command.Value, "ReadWrite", null, null, now)]
                    : []);
            default:
                return (OcppJson.StatusOf(answerJson), []);
        }
    }

    private static string Key(OperatorCommand command) =>
        command.Variable is { Length: > 0 and <= 50 } key ? key : throw ChargeException.InvalidArgument("variable must be a configuration key of 1 to 50 characters (OCPP 1.6)");

    private sealed record ConfigurationKey(string Key, bool Readonly, string? Value);

    private sealed record Configuration(ImmutableArray<ConfigurationKey>? ConfigurationKey);

    public double? CompositeLimitW(string answerJson) =>
        JsonSerializer.Deserialize<CompositeSchedule>(answerJson, OcppJson.Options) is { Status: "Accepted", ChargingSchedule: { ChargingRateUnit: "W", ChargingSchedulePeriod: { IsDefaultOrEmpty: false } periods } }
            ? (double)periods[0].Limit
            : null;
}
