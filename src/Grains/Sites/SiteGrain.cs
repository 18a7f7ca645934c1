using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sites;

[GenerateSerializer]
[Alias("charge.SiteState")]
public sealed record SiteState
{
    [Id(0)] public SiteInfo? Info { get; set; }

    /// <summary>Chargers in the site and their connector counts.</summary>
    [Id(1)] public Dictionary<string, int> Chargers { get; set; } = [];
}

public sealed class SiteGrain([PersistentState("site", StorageNames.Charge)] IPersistentState<SiteState> state) : Grain, ISiteGrain
{
    private string SiteId => this.GetPrimaryKeyString();

    public async Task<SiteView> Put(SiteInfo info)
    {
        if (TimeZones.Problem(info.TimeZone, "time_zone") is { } problem)
        {
            throw ChargeException.InvalidArgument(problem);
        }

        state.State.Info = info;
        await state.WriteOrUnavailable(GrainContext);
        await GrainFactory.GetGrain<ISiteLoadGrain>(SiteId).SiteZone(info.TimeZone);
        await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).Add(SiteId);
        return View();
    }

    public Task<SiteView> Get() => Task.FromResult(View());

    public async Task AddCharger(string chargerId, int connectorCount)
    {
        if (state.State.Info is null && SiteId != ISiteGrain.Unsited)
        {
            // A site comes into being with PutSite only: a typo must not create a nameless site nobody can remove.
            throw ChargeException.NotFound($"site '{SiteId}' does not exist: create it with PutSite first");
        }

        if (state.State.Chargers.TryGetValue(chargerId, out var known) && known == connectorCount)
        {
            return;
        }

        state.State.Chargers[chargerId] = connectorCount;
        await state.WriteOrUnavailable(GrainContext);
        if (SiteId != ISiteGrain.Unsited)
        {
            await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).Add(SiteId);
        }
    }

    public async Task RemoveCharger(string chargerId)
    {
        if (state.State.Chargers.Remove(chargerId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public async Task<SiteLive> GetLive()
    {
        var chargers = await Task.WhenAll(state.State.Chargers.Keys.Order(StringComparer.Ordinal)
            .Select(id => GrainFactory.GetGrain<IChargerGrain>(id).GetLive()));
        var load = await GrainFactory.GetGrain<ISiteLoadGrain>(SiteId).Get();
        return new SiteLive(SiteId, chargers.Sum(c => c.ActiveSessions), chargers.Sum(c => c.PowerW), [.. chargers], load.LimitInForceW,
            load.LimitInForceW is null ? 0 : load.AllowedW);
    }

    public async Task Delete()
    {
        if (state.State.Info is null || SiteId == ISiteGrain.Unsited)
        {
            throw ChargeException.NotFound($"site '{SiteId}' does not exist");
        }

        if (state.State.Chargers.Count > 0)
        {
            var named = string.Join(", ", state.State.Chargers.Keys.Order(StringComparer.Ordinal).Take(10));
            throw ChargeException.FailedPrecondition(
                $"site '{SiteId}' has {state.State.Chargers.Count} charger(s) on it ({named}{(state.State.Chargers.Count > 10 ? ", …" : "")}): move them first (SetChargerSite)");
        }

        // Out of the list first: a site that is listed but gone would be shown; one that exists but is unlisted is put again.
        await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).Remove(SiteId);
        await GrainFactory.GetGrain<ISiteLoadGrain>(SiteId).SetLimits(null, "UTC");
        state.State = new SiteState();
        await state.WriteOrUnavailable(GrainContext);
    }

    private SiteView View() => new(SiteId, state.State.Info, state.State.Chargers.ToImmutableDictionary());
}

[GenerateSerializer]
[Alias("charge.SiteDirectoryState")]
public sealed record SiteDirectoryState
{
    [Id(0)] public HashSet<string> Sites { get; set; } = [];
}

public sealed class SiteDirectoryGrain([PersistentState("sites", StorageNames.Charge)] IPersistentState<SiteDirectoryState> state) : Grain, ISiteDirectoryGrain
{
    public async Task Add(string siteId)
    {
        if (state.State.Sites.Add(siteId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public async Task Remove(string siteId)
    {
        if (state.State.Sites.Remove(siteId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<ImmutableArray<string>> List() => Task.FromResult(state.State.Sites.Order(StringComparer.Ordinal).ToImmutableArray());
}
