using System.Collections.Frozen;
using System.Text.Json;
using Charge.Gateway.Ocpp.Handlers;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// The central system's side of OCPP (1.6J and 2.0.1): each CALL from a charge point goes to the handler of its action
/// (Ocpp/Handlers), which checks it against its schema, reads it and drives the same grains as the gRPC station API.
/// An action without a handler is NotImplemented: this is the one place that decides which actions are known.
/// </summary>
public sealed class OcppCentralSystem(IEnumerable<IOcppHandler> handlers)
{
    private readonly FrozenDictionary<string, IOcppHandler> _handlers = handlers.ToFrozenDictionary(h => Key(h.Protocol, h.Action), StringComparer.Ordinal);

    public Task<OcppHandled> Handle(OcppProtocol protocol, string chargePointId, string action, JsonElement payload) =>
        _handlers.TryGetValue(Key(protocol, action), out var handler)
            ? handler.Handle(chargePointId, payload)
            : throw new OcppCallException(OcppErrorCode.NotImplemented, $"{action} is not implemented by this central system for {protocol.Name}");

    /// <summary>The actions handled for <paramref name="protocol"/>.</summary>
    public IEnumerable<string> Actions(OcppProtocol protocol) =>
        _handlers.Values.Where(h => h.Protocol == protocol).Select(h => h.Action);

    private static string Key(OcppProtocol protocol, string action) => $"{protocol.SubProtocol}/{action}";
}
