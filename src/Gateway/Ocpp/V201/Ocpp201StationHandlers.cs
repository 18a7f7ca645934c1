using System.Text.Json;
using Charge.Gateway.Ocpp.Handlers;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Ocpp.V201;

// OCPP 2.0.1 provisioning and authorization: each maps to the same IChargerStation / ITokenGrain calls as its 1.6
// counterpart in Ocpp/Handlers.

/// <summary>BootNotification: what the station is (vendor, model, firmware, serial) is recorded; Accepted, with the heartbeat interval and the time.</summary>
public sealed class BootNotification201Handler(IGrainFactory grains, TimeProvider time, IOptions<OcppOptions> options)
    : Ocpp201Handler<BootNotification201Wire, BootNotification201Response>(time)
{
    public override string Action => "BootNotification";

    protected override BootNotification201Wire Read(JsonElement payload) => Bind<BootNotification201Wire>(payload);

    protected override async Task<BootNotification201Response> Handle(string chargePointId, BootNotification201Wire request)
    {
        var station = request.ChargingStation;
        var now = await grains.Reference<IChargerStation>(chargePointId)
            .Boot(new BootInfo(station.VendorName, station.Model, station.FirmwareVersion, station.SerialNumber, Now));
        return new BootNotification201Response(OcppTime.Format(now), options.Value.HeartbeatIntervalSeconds, "Accepted");
    }
}

/// <summary>Heartbeat: liveness, answered with the central system's time.</summary>
public sealed class Heartbeat201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<Empty201, Heartbeat201Response>(time)
{
    public override string Action => "Heartbeat";

    protected override Empty201 Read(JsonElement payload) => new();

    protected override async Task<Heartbeat201Response> Handle(string chargePointId, Empty201 request) =>
        new(OcppTime.Format(await grains.Reference<IChargerStation>(chargePointId).Heartbeat(Now)));
}

/// <summary>StatusNotification: an EVSE's (our connector's) status; evseId 0 is the station itself.</summary>
public sealed class StatusNotification201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<StatusReport, Empty201>(time)
{
    public override string Action => "StatusNotification";

    protected override StatusReport Read(JsonElement payload)
    {
        var w = Bind<StatusNotification201Wire>(payload);
        return new StatusReport(Ocpp201Reader.Evse(w.EvseId, "StatusNotification.evseId", allowZero: true), Ocpp201Reader.Status(w.ConnectorStatus),
            w.ConnectorStatus == "Faulted" ? "Faulted" : "", OcppTime.Read(w.Timestamp, "StatusNotification.timestamp", Now));
    }

    protected override async Task<Empty201> Handle(string chargePointId, StatusReport request)
    {
        await grains.Reference<IChargerStation>(chargePointId).ReportStatus(request);
        return new();
    }
}

/// <summary>Authorize: the token registry's idTokenInfo for the idToken (status, expiry, group); no session slot is taken.</summary>
public sealed class Authorize201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<string?, Authorize201Response>(time)
{
    public override string Action => "Authorize";

    protected override string? Read(JsonElement payload) => Ocpp201Reader.IdTag(Bind<Authorize201Wire>(payload).IdToken, "Authorize.idToken");

    protected override async Task<Authorize201Response> Handle(string chargePointId, string? idTag) =>
        // NoAuthorization names no token: nothing here may charge without one.
        new(idTag is null ? new IdTokenInfo201("Invalid") : Ocpp201Reader.Info(await grains.GetGrain<ITokenGrain>(idTag).Authorize()));
}

/// <summary>
/// MeterValues outside a transaction (the station's own meter, an EVSE between sessions): checked by the same rules
/// and kept as the EVSE's meter on the charger, never counted as a session's energy.
/// </summary>
public sealed class MeterValues201Handler(IGrainFactory grains, TimeProvider time)
    : Ocpp201Handler<(int Evse, System.Collections.Immutable.ImmutableArray<MeterReading> Readings), Empty201>(time)
{
    public override string Action => "MeterValues";

    protected override (int Evse, System.Collections.Immutable.ImmutableArray<MeterReading> Readings) Read(JsonElement payload)
    {
        var w = Bind<MeterValues201Wire>(payload);
        return (Ocpp201Reader.Evse(w.EvseId, "MeterValues.evseId", allowZero: true), Ocpp201Reader.Readings(w.MeterValue, "MeterValues.meterValue", Now).Readings);
    }

    protected override async Task<Empty201> Handle(string chargePointId, (int Evse, System.Collections.Immutable.ImmutableArray<MeterReading> Readings) request)
    {
        await grains.Reference<IChargerTransactions>(chargePointId).ReportIdleMeter(request.Evse, request.Readings);
        return new();
    }
}

/// <summary>SecurityEventNotification: kept on the charger (the newest 100), counted by type, logged, shown to operators.</summary>
public sealed class SecurityEvent201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<SecurityEvent, Empty201>(time)
{
    public override string Action => "SecurityEventNotification";

    protected override SecurityEvent Read(JsonElement payload)
    {
        // The schema bounds type (50) and techInfo (255 characters); the time is checked as every station time.
        var w = Bind<SecurityEventWire>(payload);
        return new SecurityEvent(w.Type, OcppTime.Read(w.Timestamp, "SecurityEventNotification.timestamp", Now), w.TechInfo, Now);
    }

    protected override async Task<Empty201> Handle(string chargePointId, SecurityEvent request)
    {
        await grains.Reference<IChargerStation>(chargePointId).ReportSecurityEvent(request);
        return new();
    }
}

/// <summary>
/// NotifyReport (a part of the report a GetBaseReport asked for): each variable attribute is recorded in the
/// station's device model before the part is answered; the parts may come in any number (tbc) and order.
/// </summary>
public sealed class NotifyReport201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<System.Collections.Immutable.ImmutableArray<DeviceVariable>, Empty201>(time)
{
    public override string Action => "NotifyReport";

    protected override System.Collections.Immutable.ImmutableArray<DeviceVariable> Read(JsonElement payload)
    {
        var w = Bind<NotifyReportWire>(payload);
        var at = OcppTime.Read(w.GeneratedAt, "NotifyReport.generatedAt", Now);
        return [.. (w.ReportData ?? []).SelectMany(d => d.VariableAttribute.Select(a => new DeviceVariable(
            d.Component.Name, d.Component.Instance, d.Component.Evse?.Id, d.Variable.Name, d.Variable.Instance, a.Type ?? "Actual", a.Value,
            a.Mutability ?? "ReadWrite", d.VariableCharacteristics?.DataType, d.VariableCharacteristics?.Unit, at)))];
    }

    protected override async Task<Empty201> Handle(string chargePointId, System.Collections.Immutable.ImmutableArray<DeviceVariable> request)
    {
        await grains.GetGrain<IDeviceModelGrain>(chargePointId).Record(request);
        return new();
    }
}

/// <summary>
/// NotifyChargingLimit: a limit set on the station from outside (EMS, grid operator) is respected: its first
/// period's limit (W; A at 230 V per phase, three phases unless it says) caps the EVSE's sessions (the station's
/// when no EVSE is named) and the site's balancer gives the rest to the others. A notice without a schedule names
/// no limit and changes nothing.
/// </summary>
public sealed class NotifyChargingLimit201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<ExternalChargingLimit?, Empty201>(time)
{
    public override string Action => "NotifyChargingLimit";

    protected override ExternalChargingLimit? Read(JsonElement payload)
    {
        var w = Bind<NotifyChargingLimitWire>(payload);
        var evse = w.EvseId is { } id ? Ocpp201Reader.Evse(id, "NotifyChargingLimit.evseId", allowZero: true) : 0;
        if (w.ChargingSchedule is not { IsDefaultOrEmpty: false } schedules || schedules[0].ChargingSchedulePeriod.IsDefaultOrEmpty)
        {
            return null;
        }

        var schedule = schedules[0];
        var period = schedule.ChargingSchedulePeriod[0];
        var watts = schedule.ChargingRateUnit == "A" ? (double)period.Limit * 230 * (double)(period.NumberPhases ?? 3) : (double)period.Limit;
        if (!double.IsFinite(watts) || watts < 0 || watts > Limits.MaxPowerW)
        {
            throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"NotifyChargingLimit.chargingSchedule[0].chargingSchedulePeriod[0].limit {period.Limit} is not a power limit (0 to {Limits.MaxPowerW} W)");
        }

        return new ExternalChargingLimit(evse, watts, w.ChargingLimit.ChargingLimitSource);
    }

    protected override async Task<Empty201> Handle(string chargePointId, ExternalChargingLimit? request)
    {
        if (request is not null)
        {
            await grains.Reference<IChargerStation>(chargePointId).ReportChargingLimit(request);
        }

        return new();
    }
}

/// <summary>ClearedChargingLimit: the outside limit of the EVSE (or the station) is lifted.</summary>
public sealed class ClearedChargingLimit201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<ExternalChargingLimit, Empty201>(time)
{
    public override string Action => "ClearedChargingLimit";

    protected override ExternalChargingLimit Read(JsonElement payload)
    {
        var w = Bind<ClearedChargingLimitWire>(payload);
        return new ExternalChargingLimit(w.EvseId is { } id ? Ocpp201Reader.Evse(id, "ClearedChargingLimit.evseId", allowZero: true) : 0, null, w.ChargingLimitSource);
    }

    protected override async Task<Empty201> Handle(string chargePointId, ExternalChargingLimit request)
    {
        await grains.Reference<IChargerStation>(chargePointId).ReportChargingLimit(request);
        return new();
    }
}

/// <summary>NotifyEvent: each event on a component's variable is kept with the station's device model (the newest 200), counted by trigger and shown to operators.</summary>
public sealed class NotifyEvent201Handler(IGrainFactory grains, TimeProvider time) : Ocpp201Handler<System.Collections.Immutable.ImmutableArray<DeviceEvent>, Empty201>(time)
{
    public override string Action => "NotifyEvent";

    protected override System.Collections.Immutable.ImmutableArray<DeviceEvent> Read(JsonElement payload) =>
        [.. Bind<NotifyEventWire>(payload).EventData.Select((e, i) => new DeviceEvent(
            e.EventId is >= 0 and <= int.MaxValue && decimal.Truncate(e.EventId) == e.EventId ? (int)e.EventId
                : throw new OcppCallException(OcppErrorCode.PropertyConstraintViolation, $"NotifyEvent.eventData[{i}].eventId {e.EventId} is not an event ID"),
            OcppTime.Read(e.Timestamp, $"NotifyEvent.eventData[{i}].timestamp", Now),
            e.Trigger, e.Component.Name, e.Variable.Name, e.ActualValue, e.TechInfo, e.Cleared ?? false, e.TransactionId))];

    protected override async Task<Empty201> Handle(string chargePointId, System.Collections.Immutable.ImmutableArray<DeviceEvent> request)
    {
        await grains.GetGrain<IDeviceModelGrain>(chargePointId).RecordEvents(request);
        return new();
    }
}

/// <summary>Notifications a station sends that are confirmed and not acted on yet (FirmwareStatusNotification, LogStatusNotification: docs/ocpp.md).</summary>
public sealed class Confirmed201Handler(string action, TimeProvider time) : Ocpp201Handler<Empty201, Empty201>(time)
{
    public override string Action => action;

    protected override Empty201 Read(JsonElement payload) => new();

    protected override Task<Empty201> Handle(string chargePointId, Empty201 request) => Task.FromResult(request);
}

/// <summary>DataTransfer: no vendor extension is handled here (answer UnknownVendorId).</summary>
public sealed class DataTransfer201Handler(TimeProvider time) : Ocpp201Handler<Empty201, DataTransfer201Response>(time)
{
    public override string Action => "DataTransfer";

    protected override Empty201 Read(JsonElement payload) => new();

    protected override Task<DataTransfer201Response> Handle(string chargePointId, Empty201 request) => Task.FromResult(new DataTransfer201Response("UnknownVendorId"));
}
