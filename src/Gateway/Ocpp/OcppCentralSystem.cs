using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Charge.Gateway.Ocpp.Handlers;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The central system's side of OCPP 1.6J: each CALL from a charge point, already validated against its schema,
/// goes to the handler of its action (Ocpp/Handlers), which drives the same grains as the gRPC station API.
/// </summary>
public sealed class OcppCentralSystem(IEnumerable<IOcppHandler> handlers)
{
    private readonly FrozenDictionary<string, IOcppHandler> _handlers = handlers.ToFrozenDictionary(h => h.Action, StringComparer.Ordinal);

    public Task<JsonObject> Handle(string chargePointId, string action, JsonObject payload) =>
        _handlers.TryGetValue(action, out var handler)
            ? handler.Handle(chargePointId, payload)
            : throw new OcppCallException(OcppErrorCode.NotImplemented, $"{action} is not implemented by this central system");
}
