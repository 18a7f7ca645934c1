using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>MeterValues: a transaction's readings go to its session; the answer is sent once they are accepted (durably by default).</summary>
public sealed class MeterValuesHandler(IGrainFactory grains, TimeProvider time) : OcppHandler<MeterValuesRequest, Empty>(time)
{
    public override string Action => "MeterValues";

    protected override MeterValuesRequest Read(JsonElement payload) => OcppRequestReader.MeterValues(Bind<MeterValuesWire>(payload), Now);

    protected override string? SessionOf(string chargePointId, MeterValuesRequest request) =>
        request.TransactionId is int tx ? SessionIds.OfTransaction(chargePointId, tx) : null;

    protected override async Task<Empty> Handle(string chargePointId, MeterValuesRequest request)
    {
        // Connector-level values without a transaction describe no session: kept as the connector's meter, never energy.
        if (request.TransactionId is null && !request.Readings.IsEmpty)
        {
            await grains.Reference<IChargerTransactions>(chargePointId).ReportIdleMeter(request.ConnectorId, request.Readings);
        }

        if (request.TransactionId is { } tx && !request.Readings.IsEmpty)
        {
            var accepted = await grains.Reference<IChargerStation>(chargePointId)
                .ReportMeterValuesAccepting(SessionIds.OfTransaction(chargePointId, tx), request.Readings);
            Telemetry.GatewayMetrics.Accepted("ocpp", accepted);
        }

        return new();
    }
}
