using System.Text.Json;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>
/// A handled CALL: the CALLRESULT payload, the session it concerned (the running cost follows it), and what the
/// central system does once the answer is sent (a call of its own to the station, which must not wait in the loop).
/// </summary>
public sealed record OcppHandled(string ResultJson, string? SessionId = null, Func<OcppConnection, Task>? After = null);

/// <summary>Answers one OCPP action from charge points.</summary>
public interface IOcppHandler
{
    /// <summary>The OCPP version whose action this is.</summary>
    OcppProtocol Protocol { get; }

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

    /// <summary>OCPP 1.6J unless the handler says otherwise (the 2.0.1 handlers derive from Ocpp201Handler).</summary>
    public virtual OcppProtocol Protocol => OcppProtocol.V16;

    protected OcppSchemas Schemas => Protocol.Schemas;

    protected DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<OcppHandled> Handle(string chargePointId, JsonElement payload)
    {
        Validate(payload);
        var request = Read(payload);
        var response = await Handle(chargePointId, request);
        // Our answer passes the action's response schema too, or it is not sent: a station would refuse it anyway,
        // and the fault is ours (InternalError, logged) rather than a message the station cannot read.
        var answer = JsonSerializer.SerializeToElement(response, OcppJson.Options);
        if (Schemas.ResponseProblem(Action, answer) is { } problem)
        {
            throw new InvalidOperationException($"our answer breaks its schema: {problem}");
        }

        return new OcppHandled(answer.GetRawText(), SessionOf(chargePointId, request), After(chargePointId, request, response));
    }

    /// <summary>The whole payload must pass its schema; a handler that drops parts instead says so here.</summary>
    protected virtual void Validate(JsonElement payload) => Schemas.Validate(Action, payload);

    protected abstract TRequest Read(JsonElement payload);

    protected abstract Task<TResponse> Handle(string chargePointId, TRequest request);

    /// <summary>What to do once the answer is sent; null: nothing.</summary>
    protected virtual Func<OcppConnection, Task>? After(string chargePointId, TRequest request, TResponse response) => null;

    /// <summary>The session a transaction's message concerned; null for other messages.</summary>
    protected virtual string? SessionOf(string chargePointId, TRequest request) => null;

    /// <summary>The payload as its wire record.</summary>
    protected TWire Bind<TWire>(JsonElement payload) => OcppWire.Bind<TWire>(payload, Action);
}

/// <summary>A handler of an OCPP 2.0.1 action: its schema is the 2.0.1 one.</summary>
public abstract class Ocpp201Handler<TRequest, TResponse>(TimeProvider time) : OcppHandler<TRequest, TResponse>(time)
{
    public sealed override OcppProtocol Protocol => OcppProtocol.V201;
}
