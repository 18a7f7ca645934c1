using System.Text.Json.Nodes;
using Charge.Gateway.Ocpp.Messages;

namespace Charge.Gateway.Ocpp.Handlers;

/// <summary>Answers one OCPP action from charge points.</summary>
public interface IOcppHandler
{
    string Action { get; }

    /// <summary>Handles a CALL whose payload its schema admitted; returns the CALLRESULT payload.</summary>
    Task<JsonObject> Handle(string chargePointId, JsonObject payload);
}

/// <summary>A handler that reads its request record, drives the grains and answers with its response record.</summary>
public abstract class OcppHandler<TRequest, TResponse>(TimeProvider time) : IOcppHandler
{
    public abstract string Action { get; }

    protected DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<JsonObject> Handle(string chargePointId, JsonObject payload) =>
        OcppJson.Write(await Handle(chargePointId, Read(payload)));

    protected abstract TRequest Read(JsonObject payload);

    protected abstract Task<TResponse> Handle(string chargePointId, TRequest request);
}
