using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>DataTransfer: no vendor extension is handled here (OCPP 1.6, 4.3: answer UnknownVendorId).</summary>
public sealed class DataTransferHandler(TimeProvider time) : OcppHandler<Empty, DataTransferResponse>(time)
{
    public override string Action => "DataTransfer";

    protected override Empty Read(JsonElement payload) => new();

    protected override Task<DataTransferResponse> Handle(string chargePointId, Empty request) => Task.FromResult(new DataTransferResponse("UnknownVendorId"));
}

/// <summary>DiagnosticsStatusNotification and FirmwareStatusNotification: confirmed; nothing here acts on them yet.</summary>
public sealed class StatusReportHandler(string action, TimeProvider time) : OcppHandler<Empty, Empty>(time)
{
    public override string Action => action;

    protected override Empty Read(JsonElement payload) => new();

    protected override Task<Empty> Handle(string chargePointId, Empty request) => Task.FromResult(request);
}
