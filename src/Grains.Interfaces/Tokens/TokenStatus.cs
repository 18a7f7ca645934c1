using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What an operator says of a token (RFID card, app token): OCPP 1.6's AuthorizationStatus without ConcurrentTx, which is decided per start.</summary>
public enum TokenStatus
{
    Accepted = 0,
    Blocked = 1,
    Expired = 2,
    Invalid = 3,
}
