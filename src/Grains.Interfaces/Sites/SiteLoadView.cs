using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A site's load now: its limit in force, what it allowed each session, and their last draw.</summary>
[GenerateSerializer]
[Alias("charge.SiteLoadView")]
public sealed record SiteLoadView(
    [property: Id(0)] string SiteId,
    [property: Id(1)] SiteLimits? Limits,
    [property: Id(2)] double? LimitInForceW,
    [property: Id(3)] ImmutableArray<SessionAllowance> Sessions,
    [property: Id(4)] double? DrawnW = null,
    [property: Id(5)] DateTime? DrawnAt = null)
{
    public double AllowedW => Sessions.Sum(s => s.AllowanceW);

    /// <summary>Whether the site's last measured draw is above its limit in force.</summary>
    public bool AboveLimit => DrawnW is { } drawn && LimitInForceW is { } limit && drawn > limit;
}
