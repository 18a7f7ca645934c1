using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>One token, keyed by its id_tag exactly as chargers send it.</summary>
[Alias("charge.ITokenGrain")]
public interface ITokenGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the registry entry; NotFound when the parent or customer is not registered.</summary>
    [Alias("Put")]
    Task<TokenView> Put(TokenSpec spec);

    /// <summary>The entry; NotFound when the tag is not registered.</summary>
    [Alias("Get")]
    Task<TokenView> Get();

    /// <summary>Takes the tag out of the registry (it is unknown from then on); its sessions stay.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>Whether the tag may charge now (OCPP Authorize), without taking a session slot.</summary>
    [Alias("Authorize")]
    Task<TokenAuthorization> Authorize();

    /// <summary>
    /// Whether the tag may start this session now. An accepted start of a tag with a concurrent-session limit holds
    /// one slot until <see cref="Ended"/> (or until the session is found ended); <see cref="StartAuthorization.HoldsSlot"/> says so.
    /// </summary>
    [Alias("AuthorizeStart")]
    Task<StartAuthorization> AuthorizeStart(string sessionId);

    /// <summary>The tag's own status now, ignoring its parent: what a member of this group inherits; null when not registered.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("GroupStatus")]
    Task<TokenAuthorization?> GroupStatus();

    /// <summary>The session no longer runs: its slot is free.</summary>
    [Alias("Ended")]
    Task Ended(string sessionId);

    /// <summary>What a charger's local list says of the tag (its and its group's standing; no concurrency), or null when it is not registered.</summary>
    [Alias("ListEntry")]
    Task<TokenAuthorization?> ListEntry();

    /// <summary>Whether the tag is registered at all (a parent must be).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("IsRegistered")]
    Task<bool> IsRegistered();

    /// <summary>
    /// The registered tag's parent (its group), or null; NotFound when the tag is not registered. Interleaves, as the
    /// other reads a token answers for its members do: two tags asking each other never wait on each other.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("Parent")]
    Task<string?> Parent();
}
