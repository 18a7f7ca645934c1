using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What an OCPI CDR says about the party issuing it (configuration of the silo's billing).</summary>
[GenerateSerializer]
[Alias("charge.CdrParty")]
public sealed record CdrParty([property: Id(0)] string CountryCode, [property: Id(1)] string PartyId);
