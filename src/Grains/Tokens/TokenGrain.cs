using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charge.Grains.Tokens;

[GenerateSerializer]
[Alias("charge.TokenState")]
public sealed record TokenState
{
    /// <summary>The registry entry; null: not registered (never, or deleted).</summary>
    [Id(0)] public TokenSpec? Spec { get; set; }
    [Id(1)] public DateTime UpdatedAt { get; set; }

    /// <summary>Sessions holding one of the tag's concurrent-session slots (kept only for tags with a limit).</summary>
    [Id(2)] public HashSet<string> Running { get; set; } = [];

    /// <summary>When each slot in <see cref="Running"/> was taken (a slot of a session not started yet is young, not free).</summary>
    [Id(3)] public Dictionary<string, DateTime> TakenAt { get; set; } = [];
}

/// <summary>One id_tag in the operator's registry: what it may do, and the sessions it runs against its limit.</summary>
public sealed partial class TokenGrain(
    [PersistentState("token", StorageNames.Charge)] IPersistentState<TokenState> state,
    IOptions<AuthorizationOptions> options,
    TimeProvider time,
    ILogger<TokenGrain> logger) : Grain, ITokenGrain
{
    /// <summary>More concurrent sessions than this per tag is not a limit.</summary>
    public const int MaxConcurrentSessionsLimit = 100;

    private string IdTag => this.GetPrimaryKeyString();

    private TokenState State => state.State;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<TokenView> Put(TokenSpec spec)
    {
        if (spec.ParentIdTag is { } parent)
        {
            if (parent == IdTag)
            {
                throw ChargeException.InvalidArgument($"id_tag '{IdTag}' cannot be its own parent_id_tag");
            }

            await CheckGroupChain(parent);
        }

        if (spec.MaxConcurrentSessions is < 1 or > MaxConcurrentSessionsLimit)
        {
            throw ChargeException.InvalidArgument($"max_concurrent_sessions must be 1..{MaxConcurrentSessionsLimit}, or absent for no limit");
        }

        if (spec.CustomerId is { } customer && !await GrainFactory.GetGrain<ICustomerGrain>(customer).Exists())
        {
            throw ChargeException.NotFound($"customer '{customer}' does not exist");
        }

        State.Spec = spec;
        State.UpdatedAt = Now;
        if (spec.MaxConcurrentSessions is null)
        {
            State.Running.Clear();
            State.TakenAt.Clear();
        }

        await Persist();
        await GrainFactory.GetGrain<ITokenDirectoryGrain>(ITokenDirectoryGrain.Key).Changed(IdTag, registered: true);
        return View(State.Spec);
    }

    public Task<TokenView> Get() => Task.FromResult(View(Registered()));

    public async Task Delete()
    {
        Registered();
        State.Spec = null;
        State.Running.Clear();
        State.TakenAt.Clear();
        State.UpdatedAt = Now;
        await Persist();
        await GrainFactory.GetGrain<ITokenDirectoryGrain>(ITokenDirectoryGrain.Key).Changed(IdTag, registered: false);
    }

    public Task<bool> IsRegistered() => Task.FromResult(State.Spec is not null);

    public Task<string?> Parent() => Task.FromResult(Registered().ParentIdTag);

    /// <summary>How many tags a chain of groups above a tag may hold: groups of groups beyond this are a mistake.</summary>
    public const int MaxGroupDepth = 4;

    /// <summary>
    /// The parent must be registered, and the chain above it must end within <see cref="MaxGroupDepth"/> tags
    /// without coming back to this tag: a cycle (A's parent B, B's parent A) would have each ask the other forever.
    /// </summary>
    private async Task CheckGroupChain(string parent)
    {
        var chain = new List<string> { IdTag };
        for (var above = (string?)parent; above is not null; above = await ParentOf(above, direct: above == parent))
        {
            if (above == IdTag)
            {
                throw ChargeException.InvalidArgument(
                    $"parent_id_tag '{parent}' would make a cycle of groups: {string.Join(" -> ", chain)} -> {IdTag}");
            }

            chain.Add(above);
            if (chain.Count > MaxGroupDepth)
            {
                throw ChargeException.InvalidArgument(
                    $"parent_id_tag '{parent}' makes a chain of groups deeper than {MaxGroupDepth} tags: {string.Join(" -> ", chain)} -> ...");
            }
        }
    }

    /// <summary>The tag's parent; a tag above the direct parent that was deleted ends the chain (it no longer governs).</summary>
    private async Task<string?> ParentOf(string idTag, bool direct)
    {
        try
        {
            return await GrainFactory.GetGrain<ITokenGrain>(idTag).Parent();
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
        {
            return direct ? throw ChargeException.NotFound($"parent_id_tag '{idTag}' is not registered: register the group's tag first") : null;
        }
    }

    public async Task<TokenAuthorization?> ListEntry() =>
        State.Spec is { } spec ? TokenRules.Decide(IdTag, spec, Now, await Group(spec), runningSessions: 0) : null;

    public Task<TokenAuthorization?> GroupStatus() =>
        Task.FromResult(State.Spec is { } spec ? TokenRules.Own(IdTag, spec, Now) : null);

    public async Task<TokenAuthorization> Authorize()
    {
        if (State.Spec is not { } spec)
        {
            return TokenRules.Unknown(IdTag, options.Value.UnknownTags);
        }

        return TokenRules.Decide(IdTag, spec, Now, await Group(spec), await RunningCount(spec));
    }

    public async Task<StartAuthorization> AuthorizeStart(string sessionId)
    {
        if (State.Spec is not { } spec)
        {
            return new StartAuthorization(TokenRules.Unknown(IdTag, options.Value.UnknownTags), HoldsSlot: false);
        }

        if (State.Running.Contains(sessionId))
        {
            // The same start again (a retry after a lost answer): it holds its slot already.
            return new StartAuthorization(TokenRules.Own(IdTag, spec, Now), HoldsSlot: true, spec.CustomerId);
        }

        var decision = TokenRules.Decide(IdTag, spec, Now, await Group(spec), await RunningCount(spec));
        if (!decision.Accepted || spec.MaxConcurrentSessions is null)
        {
            return new StartAuthorization(decision, HoldsSlot: false, spec.CustomerId);
        }

        // Held before the session starts, so two starts racing on different chargers cannot both take the last slot.
        State.Running.Add(sessionId);
        State.TakenAt[sessionId] = Now;
        await Persist();
        return new StartAuthorization(decision, HoldsSlot: true, spec.CustomerId);
    }

    public async Task Ended(string sessionId)
    {
        if (State.Running.Remove(sessionId))
        {
            State.TakenAt.Remove(sessionId);
            await Persist();
        }
    }

    /// <summary>The group's standing, when the parent is still registered (a deleted parent no longer governs).</summary>
    private async Task<TokenAuthorization?> Group(TokenSpec spec)
    {
        if (spec.ParentIdTag is not { } parent)
        {
            return null;
        }

        return await GrainFactory.GetGrain<ITokenGrain>(parent).GroupStatus();
    }

    /// <summary>
    /// Sessions holding a slot that still run. Only counted at the limit: then each held session is asked, so a slot
    /// whose end was never told (a lost call, a crash between stop and release) frees itself. A session that does not
    /// exist yet is being started (its start took the slot a moment ago, and starts racing on other chargers must not
    /// take it from it); only one still missing after the grace period failed and frees its slot.
    /// </summary>
    private async Task<int> RunningCount(TokenSpec spec)
    {
        if (spec.MaxConcurrentSessions is not { } max || State.Running.Count < max)
        {
            return State.Running.Count;
        }

        var views = await Task.WhenAll(State.Running.Select(id => GrainFactory.GetGrain<ISessionGrain>(id).GetView()));
        var now = Now;
        var ended = State.Running.Zip(views)
            .Where(held => held.Second.Status is SessionStatus.Stopping or SessionStatus.Completed
                || held.Second.Status is SessionStatus.None
                    && (!State.TakenAt.TryGetValue(held.First, out var taken) || now - taken > options.Value.SlotStartGrace))
            .Select(held => held.First).ToArray();
        if (ended.Length > 0)
        {
            State.Running.ExceptWith(ended);
            foreach (var sessionId in ended)
            {
                State.TakenAt.Remove(sessionId);
            }

            await Persist();
        }

        return State.Running.Count;
    }

    /// <summary>
    /// A slot change: applied whole or not at all. After a failed write the activation goes, and with it the slot held
    /// in memory only, so a retried start takes it again and writes it (it was answered HoldsSlot without a write).
    /// </summary>
    private Task Persist() => state.WriteOrUnavailable(GrainContext, e => LogStorageFailed(e, IdTag));

    [LoggerMessage(Level = LogLevel.Warning, Message = "id_tag {IdTag}: storage write failed")]
    private partial void LogStorageFailed(Exception e, string idTag);

    private TokenSpec Registered() =>
        State.Spec ?? throw ChargeException.NotFound($"id_tag '{IdTag}' is not registered");

    private TokenView View(TokenSpec spec) => new(IdTag, spec, State.UpdatedAt, State.Running.Count);
}

[GenerateSerializer]
[Alias("charge.TokenDirectoryState")]
public sealed record TokenDirectoryState
{
    [Id(0)] public DirectoryState Tags { get; set; } = new();

    /// <summary>Changes counted so far: the registry's version.</summary>
    [Id(1)] public long Version { get; set; }

    /// <summary>The latest changes (version, tag), oldest first, at most <see cref="TokenDirectoryGrain.ChangesKept"/>.</summary>
    [Id(2)] public List<KeyValuePair<long, string>> Changes { get; set; } = [];
}

/// <summary>The registered tags in order, and the registry's version with its recent changes.</summary>
public sealed partial class TokenDirectoryGrain(
    [PersistentState("tokens", StorageNames.Charge)] IPersistentState<TokenDirectoryState> state,
    ILogger<TokenDirectoryGrain> logger) : Grain, ITokenDirectoryGrain
{
    /// <summary>Changes a differential local-list update can be made from; a charger further behind gets the whole list.</summary>
    public const int ChangesKept = 1000;

    public async Task<long> Changed(string idTag, bool registered)
    {
        _ = registered ? state.State.Tags.Add(idTag) : state.State.Tags.Remove(idTag);
        state.State.Version++;
        state.State.Changes.Add(new(state.State.Version, idTag));
        if (state.State.Changes.Count > ChangesKept)
        {
            state.State.Changes.RemoveAt(0);
        }

        // A failed write drops the activation, so a retry counts the change once, from what storage has.
        await state.WriteOrUnavailable(GrainContext, LogStorageFailed);
        return state.State.Version;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The id_tag registry: storage write failed")]
    private partial void LogStorageFailed(Exception e);

    public Task<long> Version() => Task.FromResult(state.State.Version);

    public Task<ImmutableArray<string>?> ChangesSince(long version)
    {
        var changes = state.State.Changes;
        // The log reaches back to `version` when it holds the change right after it (or nothing changed since).
        var reaches = version >= state.State.Version || (changes.Count > 0 && changes[0].Key <= version + 1);
        return Task.FromResult<ImmutableArray<string>?>(reaches
            ? [.. changes.Where(c => c.Key > version).Select(c => c.Value).Distinct(StringComparer.Ordinal)]
            : null);
    }

    public Task<ImmutableArray<string>> List(string? after, int limit) => Task.FromResult(state.State.Tags.Page(after, limit));
}
