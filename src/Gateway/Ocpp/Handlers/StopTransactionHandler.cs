using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;
using Charge.Grains.Interfaces;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>StopTransaction: its transaction data, then the stop with the charger's own register.</summary>
public sealed class StopTransactionHandler(IGrainFactory grains, TimeProvider time, Microsoft.Extensions.Logging.ILogger<StopTransactionHandler> logger)
    : OcppHandler<StopTransactionRequest, StopTransactionResponse>(time)
{
    public override string Action => "StopTransaction";

    /// <summary>Checked in <see cref="Read"/>, where the schema's problems are sorted into the stop's own and its samples'.</summary>
    protected override void Validate(JsonElement payload)
    {
    }

    /// <summary>A sample of transactionData its schema refuses is dropped, not the stop; any other problem refuses the stop.</summary>
    protected override StopTransactionRequest Read(JsonElement payload)
    {
        var samples = new Dictionary<int, string>();
        foreach (var problem in Schemas.ProblemsOf(Action, payload))
        {
            if (SampleOf(problem) is not { } index)
            {
                throw new OcppCallException(problem.Code, problem.Message);
            }

            samples.TryAdd(index, problem.Message);
        }

        return OcppRequestReader.StopTransaction(Bind<StopTransactionWire>(payload), samples, Now);
    }

    protected override string? SessionOf(string chargePointId, StopTransactionRequest request) =>
        request.TransactionId is int tx ? SessionIds.OfTransaction(chargePointId, tx) : null;

    /// <summary>The transactionData sample a problem lies in ("/transactionData/3/..."); null when it is the stop's own.</summary>
    private static int? SampleOf(OcppSchemaProblem problem)
    {
        const string prefix = "/transactionData/";
        if (!problem.Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = problem.Path.AsSpan(prefix.Length);
        var end = rest.IndexOf('/');
        return int.TryParse(end < 0 ? rest : rest[..end], out var index) ? index : null;
    }

    protected override async Task<StopTransactionResponse> Handle(string chargePointId, StopTransactionRequest request)
    {
        var sessionId = SessionIds.OfTransaction(chargePointId, request.TransactionId);
        var charger = grains.Reference<IChargerStation>(chargePointId);
        foreach (var problem in request.TransactionData.Dropped)
        {
            Telemetry.GatewayMetrics.Rejected("ocpp", "transaction_data");
            logger.DroppedSample(chargePointId, sessionId, problem);
        }

        if (!request.TransactionData.Readings.IsEmpty)
        {
            await charger.ReportMeterValuesAccepting(sessionId, request.TransactionData.Readings);
        }

        try
        {
            await charger.StopSession(new StopSessionCommand(sessionId, request.MeterStop, request.Timestamp, request.Reason, request.TransactionData.Dropped));
        }
        catch (ChargeException e) when (e.Kind is ChargeErrorKind.NotFound or ChargeErrorKind.FailedPrecondition)
        {
            // An unknown, refused or already different stop: the charge point cannot do anything about it and would
            // retry forever, so it is accepted, as the spec expects.
        }

        // The stop is taken whatever the tag's standing (a tag blocked during a session lets it finish); the
        // idTagInfo tells the charger how the tag stands now.
        return request.IdTag switch
        {
            null => new(null),
            // An idTag that is no ID ("", "../x") was never a token: Invalid, never a CALLERROR the charger resends forever.
            var idTag when IsId(idTag) => new(IdTagInfo.From(await grains.GetGrain<ITokenGrain>(idTag).Authorize())),
            _ => new(new IdTagInfo("Invalid")),
        };
    }

    private static bool IsId(string idTag)
    {
        try
        {
            Services.RequestValidation.Id(idTag, "idTag");
            return true;
        }
        catch (ChargeException)
        {
            return false;
        }
    }
}

internal static partial class StopTransactionLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Charge point {ChargePointId}: a StopTransaction sample of {SessionId} was dropped (the stop was applied): {Problem}")]
    public static partial void DroppedSample(this Microsoft.Extensions.Logging.ILogger logger, string chargePointId, string sessionId, string problem);
}
