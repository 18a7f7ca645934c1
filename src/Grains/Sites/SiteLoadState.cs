using Charge.Grains.Interfaces;

namespace Charge.Grains.Sites;

/// <summary>A session the site's load balancer shares the limit with, and what it was given.</summary>
[GenerateSerializer]
[Alias("charge.LoadEntry")]
public sealed record LoadEntry
{
    [Id(0)] public required LoadSession Session { get; init; }

    /// <summary>Start order: when the share is too small, the last to start pauses first.</summary>
    [Id(1)] public long Order { get; init; }
    [Id(2)] public double AllowanceW { get; set; }
    [Id(3)] public bool Controllable { get; set; } = true;
    [Id(4)] public double? DrawW { get; set; }

    /// <summary>Whether the charger was told an allowance yet.</summary>
    [Id(5)] public bool Told { get; set; }

    /// <summary>When <see cref="DrawW"/> was reported.</summary>
    [Id(6)] public DateTime? DrawAt { get; set; }

    /// <summary>A lowered allowance sent and not yet confirmed by the charger (raises elsewhere wait for it), and when.</summary>
    [Id(7)] public bool AwaitingAck { get; set; }
    [Id(8)] public DateTime? SentAt { get; set; }

    /// <summary>A raised allowance held back until the decreases that make room for it are confirmed.</summary>
    [Id(9)] public double? HeldRaiseW { get; set; }

    /// <summary>
    /// The last draw reported was clearly less than the allowance it was drawn under: the car takes no more (until it
    /// reports drawing all it is given).
    /// </summary>
    [Id(10)] public bool Satisfied { get; set; }

    /// <summary>
    /// An allowance sent (raised or lowered) that its charger has not confirmed yet: one not confirmed within the
    /// acknowledgement timeout means the charger is not limited.
    /// </summary>
    [Id(11)] public bool Unconfirmed { get; set; }

    /// <summary>The charger said it applied its allowance but its car drew clearly more: counted at its draw, not trusted.</summary>
    [Id(12)] public bool Overdrawing { get; set; }
}

[GenerateSerializer]
[Alias("charge.SiteLoadState")]
public sealed record SiteLoadState
{
    [Id(0)] public SiteLimits? Limits { get; set; }
    [Id(1)] public Dictionary<string, LoadEntry> Sessions { get; set; } = [];
    [Id(2)] public long NextOrder { get; set; }

    /// <summary>The site's IANA zone, kept here so the balancer never calls the site grain (which calls it for live load).</summary>
    [Id(3)] public string TimeZone { get; set; } = "UTC";

    /// <summary>Per local day (yyyy-MM-dd): peak allowed, time at the limit, energy deferred; the last 400 days.</summary>
    [Id(4)] public Dictionary<string, LoadDay> Days { get; set; } = [];

    /// <summary>Since when the current shares hold, and what they were: the next change integrates the interval.</summary>
    [Id(5)] public DateTime? SharedSince { get; set; }
    [Id(6)] public double SharedAllowedW { get; set; }
    [Id(7)] public double SharedLimitW { get; set; }
    [Id(8)] public double SharedDeferredW { get; set; }
}
