using Charge.Gateway.Ocpp.Messages;
using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Operators' view of chargers: the registry, connectors and sessions, sites, and OCPP commands.</summary>
public sealed class ChargerGrpcService(IGrainFactory grains, ChargerCredentials credentials) : ChargerService.ChargerServiceBase
{
    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<RegisterChargerResponse> RegisterCharger(RegisterChargerRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        if (request.ConnectorCount is < 1 or > Limits.MaxConnectors)
        {
            throw Invalid($"connector_count must be between 1 and {Limits.MaxConnectors}");
        }

        double? maxPower = request.HasMaxPowerW ? Power(request.MaxPowerW, "max_power_w") : null;
        var perConnector = System.Collections.Immutable.ImmutableDictionary.CreateBuilder<int, double>();
        for (var i = 0; i < request.ConnectorMaxPowerW.Count; i++)
        {
            var c = request.ConnectorMaxPowerW[i];
            var field = $"connector_max_power_w[{i}]";
            if (c.ConnectorId < 1 || c.ConnectorId > request.ConnectorCount)
            {
                throw Invalid($"{field}.connector_id {c.ConnectorId} is not one of the charger's connectors 1..{request.ConnectorCount}");
            }

            if (!perConnector.TryAdd(c.ConnectorId, Power(c.MaxPowerW, $"{field}.max_power_w")))
            {
                throw Invalid($"{field}.connector_id {c.ConnectorId} is given twice");
            }
        }

        var secret = request.Secret.Length == 0
            ? ChargerCredentials.NewSecret()
            : ChargerCredentials.Problem(request.Secret) is { } problem ? throw Invalid(problem) : request.Secret;
        // Each part of the connector kind is checked when given; what is not given keeps the common default.
        var kind = request.ConnectorStandard.Length + request.ConnectorFormat.Length + request.ConnectorPowerType.Length == 0
            ? null
            : new ConnectorKind(
                request.ConnectorStandard.Length == 0 ? ConnectorKind.Default.Standard
                : System.Text.RegularExpressions.Regex.IsMatch(request.ConnectorStandard, "^[A-Z0-9_]{2,40}\\z") ? request.ConnectorStandard
                : throw Invalid($"connector_standard '{request.ConnectorStandard}' must be an OCPI ConnectorType, e.g. IEC_62196_T2"),
                request.ConnectorFormat.Length == 0 ? ConnectorKind.Default.Format : OneOf(request.ConnectorFormat, "connector_format", "SOCKET", "CABLE"),
                request.ConnectorPowerType.Length == 0 ? ConnectorKind.Default.PowerType
                : OneOf(request.ConnectorPowerType, "connector_power_type", "AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"));
        var view = await grains.GetGrain<IChargerGrain>(chargerId).Register(
            new ChargerRegistration(OptionalId(request.SiteId, "site_id"), request.ConnectorCount, ChargerCredentials.Hash(secret), kind,
                maxPower, perConnector.Count == 0 ? null : perConnector.ToImmutable()));
        credentials.Forget(chargerId);
        return new RegisterChargerResponse { Charger = view.ToApi(), Secret = secret };
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Charger> GetCharger(GetChargerRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).GetView();
        return view.ToApi();
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<ListChargersResponse> ListChargers(ListChargersRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var siteId = OptionalId(request.SiteId, "site_id");
        FleetStatus? status = request.Status.Length == 0 ? null
            : EnumName<FleetStatus>(request.Status, "status", "AVAILABLE, CHARGING, FAULTED, OFFLINE or DECOMMISSIONED");
        bool? online = request.HasOnline ? request.Online : null;
        var includeDecommissioned = request.IncludeDecommissioned || status == FleetStatus.Decommissioned;
        var after = Paging.After(request.PageToken);
        var model = Text(request.Model, "model", 100);
        var firmware = Text(request.Firmware, "firmware", 100);

        // A site's chargers come from the site; the network's from the charger directory. Filtered pages are
        // filled by reading on, but one request reads at most ScanLimit chargers, then hands back a token.
        var ids = siteId is not null
            ? [.. (await grains.GetGrain<ISiteGrain>(siteId).Get()).Chargers.Keys
                .Where(id => after is null || string.CompareOrdinal(id, after) > 0).Order(StringComparer.Ordinal).Take(ScanLimit + 1)]
            : await grains.GetGrain<IChargerDirectoryGrain>(IChargerDirectoryGrain.Key).List(after, ScanLimit + 1);
        var response = new ListChargersResponse();
        string? last = null;
        var scanned = 0;
        foreach (var chunk in ids.Take(ScanLimit).Chunk(size))
        {
            var views = await Task.WhenAll(chunk.Select(id => grains.GetGrain<IChargerGrain>(id).GetView()));
            foreach (var view in views)
            {
                scanned++;
                last = view.ChargerId;
                if ((includeDecommissioned || view.DecommissionedAt is null)
                    && (status is null || view.FleetStatus == status)
                    && (online is null || view.Online == online)
                    && (model.Length == 0 || $"{view.Boot?.Vendor} {view.Boot?.Model}".Contains(model, StringComparison.OrdinalIgnoreCase))
                    && (firmware.Length == 0 || (view.Boot?.FirmwareVersion ?? "").Contains(firmware, StringComparison.OrdinalIgnoreCase)))
                {
                    response.Chargers.Add(view.ToApi());
                    if (response.Chargers.Count == size)
                    {
                        break;
                    }
                }
            }

            if (response.Chargers.Count == size)
            {
                break;
            }
        }

        response.NextPageToken = Paging.Next(last, scanned < ids.Length);
        return response;
    }

    /// <summary>The most chargers one ListChargers call reads before it answers with what it found and a token.</summary>
    public const int ScanLimit = 2000;

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Charger> DeregisterCharger(DeregisterChargerRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).Deregister();
        // Refused here at once; other gateways trust their cached check for up to ChargerCredentialCacheSeconds.
        credentials.Forget(chargerId);
        return view.ToApi();
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<ChargerAvailability> GetChargerAvailability(GetChargerAvailabilityRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var from = OptionalBound(request.From, "from") ?? throw Invalid("from is required");
        var to = OptionalBound(request.To, "to") ?? throw Invalid("to is required");
        if (to <= from)
        {
            throw Invalid("to must be after from");
        }

        var charger = grains.GetGrain<IChargerGrain>(chargerId);
        await charger.GetView();
        var a = await charger.GetAvailability(from, to);
        var response = new ChargerAvailability
        {
            ChargerId = a.ChargerId, MeasuredSeconds = a.MeasuredSeconds, OfflineSeconds = a.OfflineSeconds,
            FaultedSeconds = a.FaultedSeconds, UnavailableSeconds = a.UnavailableSeconds,
        };
        if (a.AvailablePercent is { } percent)
        {
            response.AvailablePercent = percent;
        }

        response.Periods.AddRange(a.Periods.Select(p => new DowntimePeriod
        {
            Kind = p.Kind.ToString().ToUpperInvariant(), Start = Mapping.Ts(p.Start), End = p.End is { } end ? Mapping.Ts(end) : null,
        }));
        return response;
    }

    // Operator commands are the domain's (OperatorCommand); the gateway holding the charger's socket writes them in
    // its OCPP version (IOcppCommandSet), so one API drives 1.6 and 2.0.1 chargers alike.

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> RemoteStartTransaction(RemoteStartTransactionRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.RemoteStart,
            request.ConnectorId == 0 ? 0 : Connector(request.ConnectorId, "connector_id"), IdTag: Id(request.IdTag, "id_tag")));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> RemoteStopTransaction(RemoteStopTransactionRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.RemoteStop, SessionId: SessionId(request.SessionId, "session_id")));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> Reset(ResetRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.Reset, Hard: OneOf(request.Type, "type", "Soft", "Hard") == "Hard"));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> ChangeAvailability(ChangeAvailabilityRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.ChangeAvailability,
            Connector(request.ConnectorId, "connector_id", allowWholeCharger: true), Operative: OneOf(request.Type, "type", "Operative", "Inoperative") == "Operative"));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> TriggerMessage(TriggerMessageRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.TriggerMessage,
            request.ConnectorId == 0 ? 0 : Connector(request.ConnectorId, "connector_id"),
            RequestedMessage: OneOf(request.RequestedMessage, "requested_message", "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
                "Heartbeat", "MeterValues", "StatusNotification", "TransactionEvent", "LogStatusNotification")));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> UnlockConnector(UnlockConnectorRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.Unlock, Connector(request.ConnectorId, "connector_id")));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<DeviceModel> GetDeviceModel(GetDeviceModelRequest request, ServerCallContext context)
    {
        var deviceModel = grains.GetGrain<IDeviceModelGrain>(Id(request.ChargerId, "charger_id"));
        var model = new DeviceModel();
        var (events, count) = await deviceModel.Events();
        model.Events.AddRange(events.Select(e => new Api.V1.DeviceEvent
        {
            EventId = e.EventId, Timestamp = Mapping.Ts(e.Timestamp), Trigger = e.Trigger, Component = e.Component, Variable = e.Variable,
            ActualValue = e.ActualValue, TechInfo = e.TechInfo ?? "", Cleared = e.Cleared, TransactionId = e.TransactionId ?? "",
        }));
        model.EventCount = count;
        model.Variables.AddRange((await deviceModel.Get()).Select(v => new Api.V1.DeviceVariable
        {
            Component = v.Component, ComponentInstance = v.ComponentInstance ?? "", Evse = v.Evse ?? 0, Variable = v.Variable,
            VariableInstance = v.VariableInstance ?? "", AttributeType = v.AttributeType, Value = v.Value ?? "", Mutability = v.Mutability ?? "",
            DataType = v.DataType ?? "", Unit = v.Unit ?? "", ReportedAt = Mapping.Ts(v.ReportedAt),
        }));
        return model;
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> RequestDeviceReport(RequestDeviceReportRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.RequestReport, ReportBase: request.ReportBase.Length == 0 ? "FullInventory" : request.ReportBase));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> GetVariable(VariableRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.GetVariable, Component: request.Component, Variable: request.Variable));

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override Task<CommandResult> SetVariable(VariableRequest request, ServerCallContext context) =>
        Command(request.ChargerId, new OperatorCommand(OperatorCommandKind.SetVariable, Component: request.Component, Variable: request.Variable, Value: request.Value));

    private async Task<CommandResult> Command(string chargerId, OperatorCommand command) =>
        new() { Status = await grains.GetGrain<IChargerGrain>(Id(chargerId, "charger_id")).Operate(command) };

    /// <summary>A connector's maximum power: at least the IEC 61851 minimum (6 A on one phase, ~1.4 kW), at most 10 MW.</summary>
    private static double Power(double value, string field) =>
        double.IsFinite(value) && value >= 1000 && value <= Limits.MaxPowerW
            ? value
            : throw Invalid($"{field} must be between 1000 and {Limits.MaxPowerW:0} W");

    private static string OneOf(string value, string field, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? value : throw Invalid($"{field} must be one of {string.Join(", ", allowed)}");

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Charger> SetChargerSite(SetChargerSiteRequest request, ServerCallContext context)
    {
        var chargerId = Id(request.ChargerId, "charger_id");
        var view = await grains.GetGrain<IChargerGrain>(chargerId).SetSite(OptionalId(request.SiteId, "site_id"));
        return view.ToApi();
    }
}
