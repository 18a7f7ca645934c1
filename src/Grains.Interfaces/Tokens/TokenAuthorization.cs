using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// The registry's answer for a token at a moment: OCPP's idTagInfo (status, expiry, parent) and, when it is not
/// Accepted, why, in words an operator or driver can act on.
/// </summary>
[GenerateSerializer]
[Alias("charge.TokenAuthorization")]
public sealed record TokenAuthorization(
    [property: Id(0)] AuthorizationStatus Status,
    [property: Id(1)] DateTime? ExpiryDate,
    [property: Id(2)] string? ParentIdTag,
    [property: Id(3)] string Reason)
{
    public bool Accepted => Status == AuthorizationStatus.Accepted;
}
