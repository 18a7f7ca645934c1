using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What to do with an id_tag the registry does not know: <c>Charge:Authorization:UnknownTags</c>.</summary>
public enum UnknownTagPolicy
{
    /// <summary>Unknown tags are Invalid: only registered tags charge (the default).</summary>
    Reject = 0,

    /// <summary>Unknown tags are Accepted (an open network, or a registry being filled).</summary>
    Accept = 1,
}
