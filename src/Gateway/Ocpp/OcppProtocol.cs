using System.Collections.Immutable;

namespace Charge.Gateway.Ocpp;

/// <summary>
/// An OCPP version this central system speaks: its WebSocket subprotocol and its schemas. The framing, the
/// connection and the domain behind the handlers are the same for every version; a version's quirks stay in its
/// handlers (Ocpp/Handlers for 1.6, Ocpp/V201 for 2.0.1) and its command set.
/// </summary>
public sealed record OcppProtocol(string SubProtocol, string Name, OcppSchemas Schemas)
{
    public static readonly OcppProtocol V16 = new("ocpp1.6", "OCPP 1.6J", OcppSchemas.Ocpp16);

    public static readonly OcppProtocol V201 = new("ocpp2.0.1", "OCPP 2.0.1", OcppSchemas.Ocpp201);

    /// <summary>Newest first: a charger offering several gets the newest both sides speak.</summary>
    public static readonly ImmutableArray<OcppProtocol> NewestFirst = [V201, V16];

    /// <summary>The newest version among those a charger offered in Sec-WebSocket-Protocol; null when none is ours.</summary>
    public static OcppProtocol? Negotiate(IEnumerable<string> offered)
    {
        var set = offered.ToHashSet(StringComparer.Ordinal);
        return NewestFirst.FirstOrDefault(p => set.Contains(p.SubProtocol));
    }
}
