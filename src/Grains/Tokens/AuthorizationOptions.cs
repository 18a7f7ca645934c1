using Charge.Grains.Interfaces;

namespace Charge.Grains.Tokens;

/// <summary>Who may charge: <c>Charge:Authorization</c>.</summary>
public sealed class AuthorizationOptions
{
    public const string Section = "Charge:Authorization";

    /// <summary>An id_tag not in the registry: Reject (Invalid, the default) or Accept.</summary>
    public UnknownTagPolicy UnknownTags { get; set; } = UnknownTagPolicy.Reject;
}
