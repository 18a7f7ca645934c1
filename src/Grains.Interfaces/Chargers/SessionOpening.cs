namespace Charge.Grains.Interfaces;

/// <summary>
/// The outcome of a start a protocol must answer either way (OCPP 2.0.1 answers a refused token with its
/// idTokenInfo, not an error): the started session, or the registry's refusal and no session.
/// </summary>
[GenerateSerializer]
[Alias("charge.SessionOpening")]
public sealed record SessionOpening(
    [property: Id(0)] SessionView? Session,
    [property: Id(1)] TokenAuthorization? Refusal);
