using Charge.Grains.Interfaces;

namespace Charge.Grains.Tokens;

/// <summary>Who may charge: <c>Charge:Authorization</c>.</summary>
public sealed class AuthorizationOptions
{
    public const string Section = "Charge:Authorization";

    /// <summary>An id_tag not in the registry: Reject (Invalid, the default) or Accept.</summary>
    public UnknownTagPolicy UnknownTags { get; set; } = UnknownTagPolicy.Reject;

    /// <summary>
    /// What an OCPP charger's local authorization list holds (it lets the charger authorize while the central system is
    /// unreachable, and anyone holding the charger's credential can read it). None (the default): nothing, the list is
    /// kept empty, every tag is authorized online. Accepted: the tags that may charge at any charger now (Accepted,
    /// not expired); blocked, expired and invalid tags are never sent, and leave a list as soon as they change.
    /// </summary>
    public LocalListPolicy LocalList { get; set; } = LocalListPolicy.None;

    /// <summary>
    /// How long a concurrent-session slot taken by a start whose session does not exist yet stays taken: a start
    /// takes well under a second, so one still not started after this failed and its slot is free again.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SlotStartGrace { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>What chargers' local authorization lists hold: see <see cref="AuthorizationOptions.LocalList"/>.</summary>
public enum LocalListPolicy
{
    None = 0,
    Accepted = 1,
}
