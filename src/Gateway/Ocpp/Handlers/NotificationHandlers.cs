using System.Text.Json.Nodes;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>DataTransfer: no vendor extension is handled here (OCPP 1.6, 4.3: answer UnknownVendorId).</summary>
public sealed class DataTransferHandler(TimeProvider time) : OcppHandler<EmptyResponse, DataTransferResponse>(time)
{
    public override string Action => "DataTransfer";

    protected override EmptyResponse Read(JsonObject payload) => new();

    protected override Task<DataTransferResponse> Handle(string chargePointId, EmptyResponse request) => Task.FromResult(new DataTransferResponse("UnknownVendorId"));
}

/// <summary>DiagnosticsStatusNotification and FirmwareStatusNotification: confirmed; nothing here acts on them yet.</summary>
public sealed class StatusReportHandler(string action, TimeProvider time) : OcppHandler<EmptyResponse, EmptyResponse>(time)
{
    public override string Action => action;

    protected override EmptyResponse Read(JsonObject payload) => new();

    protected override Task<EmptyResponse> Handle(string chargePointId, EmptyResponse request) => Task.FromResult(request);
}
