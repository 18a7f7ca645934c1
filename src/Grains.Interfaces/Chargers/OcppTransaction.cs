using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// A StartTransaction's answer: the transaction ID (OCPP requires one even for a refused tag) and the registry's
/// idTagInfo. A refused start has no session: the charger is expected to end the transaction.
/// </summary>
[GenerateSerializer]
[Alias("charge.OcppTransaction")]
public sealed record OcppTransaction(
    [property: Id(0)] int TransactionId,
    [property: Id(1)] SessionView? Session,
    [property: Id(2)] TokenAuthorization? Authorization = null);
