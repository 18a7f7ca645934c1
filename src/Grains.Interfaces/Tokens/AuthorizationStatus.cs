using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>The answer to a charger for a token: OCPP 1.6 AuthorizationStatus.</summary>
public enum AuthorizationStatus
{
    Accepted = 0,
    Blocked = 1,
    Expired = 2,
    Invalid = 3,
    ConcurrentTx = 4,
}
