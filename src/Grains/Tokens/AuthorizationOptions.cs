using Charge.Grains.Interfaces;

namespace Charge.Grains.Tokens;

/// <summary>Who may charge: <c>Charge:Authorization</c>.</summary>
public sealed class AuthorizationOptions
{
    public const string Section = "Charge:Authorization";

    /// <summary>An id_tag not in the registry: Reject (Invalid, the default) or Accept.</summary>
    public UnknownTagPolicy UnknownTags { get; set; } = UnknownTagPolicy.Reject;

    /// <summary>
    /// How long a concurrent-session slot taken by a start whose session does not exist yet stays taken: a start
    /// takes well under a second, so one still not started after this failed and its slot is free again.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SlotStartGrace { get; set; } = TimeSpan.FromMinutes(2);
}
