using Charge.Grains.Interfaces;

namespace Charge.Grains.Tokens;

/// <summary>
/// How the registry answers for a token (OCPP 1.6 idTagInfo): pure, so every status is unit tested without a cluster.
/// A token's own status and expiry come first, then its group's (parent id_tag), then its concurrent-session limit.
/// </summary>
public static class TokenRules
{
    /// <summary>The tag's own standing at <paramref name="now"/>: its status, and Expired once its expiry has passed.</summary>
    public static TokenAuthorization Own(string idTag, TokenSpec spec, DateTime now) => spec.Status switch
    {
        TokenStatus.Blocked => Refused(AuthorizationStatus.Blocked, spec, $"id_tag '{idTag}' is blocked"),
        TokenStatus.Expired => Refused(AuthorizationStatus.Expired, spec, $"id_tag '{idTag}' has expired"),
        TokenStatus.Invalid => Refused(AuthorizationStatus.Invalid, spec, $"id_tag '{idTag}' is not valid"),
        _ when spec.ExpiresAt is { } expiry && expiry <= now =>
            Refused(AuthorizationStatus.Expired, spec, $"id_tag '{idTag}' expired at {expiry:yyyy-MM-ddTHH:mm:ssZ}"),
        _ => new TokenAuthorization(AuthorizationStatus.Accepted, spec.ExpiresAt, spec.ParentIdTag, ""),
    };

    /// <summary>
    /// The tag's answer given its own standing, its group's (null: no parent, or the parent is not registered), and
    /// the sessions it runs: a refused group refuses its members; a tag at its limit is ConcurrentTx.
    /// </summary>
    public static TokenAuthorization Decide(string idTag, TokenSpec spec, DateTime now, TokenAuthorization? group, int runningSessions)
    {
        var own = Own(idTag, spec, now);
        if (!own.Accepted)
        {
            return own;
        }

        if (group is { Accepted: false })
        {
            return own with { Status = group.Status, Reason = $"id_tag '{idTag}' belongs to group '{spec.ParentIdTag}': {group.Reason}" };
        }

        if (spec.MaxConcurrentSessions is { } max && runningSessions >= max)
        {
            return own with
            {
                Status = AuthorizationStatus.ConcurrentTx,
                Reason = $"id_tag '{idTag}' already has {runningSessions} session(s) running, its limit is {max}",
            };
        }

        return own;
    }

    /// <summary>An id_tag the registry does not know, under the operator's policy.</summary>
    public static TokenAuthorization Unknown(string idTag, UnknownTagPolicy policy) => policy == UnknownTagPolicy.Accept
        ? new TokenAuthorization(AuthorizationStatus.Accepted, null, null, "")
        : new TokenAuthorization(AuthorizationStatus.Invalid, null, null, $"id_tag '{idTag}' is not registered");

    private static TokenAuthorization Refused(AuthorizationStatus status, TokenSpec spec, string reason) =>
        new(status, spec.ExpiresAt, spec.ParentIdTag, reason);
}
