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

/// <summary>The answer to a charger for a token: OCPP 1.6 AuthorizationStatus.</summary>
public enum AuthorizationStatus
{
    Accepted = 0,
    Blocked = 1,
    Expired = 2,
    Invalid = 3,
    ConcurrentTx = 4,
}

/// <summary>An operator's registry entry for an id_tag.</summary>
[GenerateSerializer]
[Alias("charge.TokenSpec")]
public sealed record TokenSpec(
    [property: Id(0)] TokenStatus Status,
    [property: Id(1)] DateTime? ExpiresAt = null,
    [property: Id(2)] string? ParentIdTag = null,
    [property: Id(3)] int? MaxConcurrentSessions = null,
    [property: Id(4)] string? CustomerId = null,
    [property: Id(5)] string? Label = null);

[GenerateSerializer]
[Alias("charge.TokenView")]
public sealed record TokenView(
    [property: Id(0)] string IdTag,
    [property: Id(1)] TokenSpec Spec,
    [property: Id(2)] DateTime UpdatedAt,
    [property: Id(3)] int ActiveSessions);

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

[GenerateSerializer]
[Alias("charge.StartAuthorization")]
public sealed record StartAuthorization(
    [property: Id(0)] TokenAuthorization Authorization,
    [property: Id(1)] bool HoldsSlot,
    [property: Id(2)] string? CustomerId = null);

/// <summary>What to do with an id_tag the registry does not know: <c>Charge:Authorization:UnknownTags</c>.</summary>
public enum UnknownTagPolicy
{
    /// <summary>Unknown tags are Invalid: only registered tags charge (the default).</summary>
    Reject = 0,

    /// <summary>Unknown tags are Accepted (an open network, or a registry being filled).</summary>
    Accept = 1,
}

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

/// <summary>
/// Every registered id_tag (key <see cref="Key"/>), for listing, and the registry's version: it counts changes, so a
/// charger's local authorization list can be brought up to date with the tags changed since the version it holds.
/// </summary>
[Alias("charge.ITokenDirectoryGrain")]
public interface ITokenDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>A tag was put (registered) or deleted; returns the registry's new version.</summary>
    [Alias("Changed")]
    Task<long> Changed(string idTag, bool registered);

    [Alias("Version")]
    Task<long> Version();

    /// <summary>The tags changed after <paramref name="version"/>, each once; null when the change log no longer reaches back that far.</summary>
    [Alias("ChangesSince")]
    Task<ImmutableArray<string>?> ChangesSince(long version);

    /// <summary>Registered tags after <paramref name="after"/> (exclusive, ordinal order), at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<string>> List(string? after, int limit);
}
