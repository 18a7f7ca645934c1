using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>A handled CALL: the CALLRESULT payload, and the transaction it concerned (the running cost follows it).</summary>
public sealed record OcppHandled(string ResultJson, int? TransactionId = null);

/// <summary>Answers one OCPP action from charge points.</summary>
public interface IOcppHandler
{
    string Action { get; }

    /// <summary>Checks the payload against the action's schema, reads it once into its request and answers it.</summary>
    Task<OcppHandled> Handle(string chargePointId, JsonElement payload);
}

/// <summary>
/// A handler: the payload is checked against its action's schema, bound to its request record (<see cref="Read"/>),
/// the grains are driven and the response record is written. The schema check is here, so no handler can skip it.
/// </summary>
public abstract class OcppHandler<TRequest, TResponse>(TimeProvider time) : IOcppHandler
{
    public abstract string Action { get; }

    protected static OcppSchemas Schemas => OcppSchemas.Ocpp16;

    protected DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<OcppHandled> Handle(string chargePointId, JsonElement payload)
    {
        Validate(payload);
        var request = Read(payload);
        var response = await Handle(chargePointId, request);
        return new OcppHandled(JsonSerializer.Serialize(response, OcppJson.Options), TransactionOf(request));
    }

    /// <summary>The whole payload must pass its schema; a handler that drops parts instead says so here.</summary>
    protected virtual void Validate(JsonElement payload) => Schemas.Validate(Action, payload);

    protected abstract TRequest Read(JsonElement payload);

    protected abstract Task<TResponse> Handle(string chargePointId, TRequest request);

    protected virtual int? TransactionOf(TRequest request) => null;

    /// <summary>The payload as its wire record.</summary>
    protected TWire Bind<TWire>(JsonElement payload) => OcppWire.Bind<TWire>(payload, Action);
}
