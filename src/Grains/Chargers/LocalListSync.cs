using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// Keeps an OCPP charger's local authorization list (OCPP 1.6 Local Auth List Management) in step with the token
/// registry, so the charger can authorize tags while the central system is unreachable. The gateway holding the
/// socket makes the calls (a grain never waits on a charger); this decides what to send: the tags changed since
/// the version the charger accepted (a differential update), or the whole list when its version is unknown, does
/// not match, or is older than the registry's change log. A charger that has no local list (version -1,
/// NotSupported, a NotImplemented CALLERROR) is left alone.
/// </summary>
internal sealed class LocalListSync(ChargerRecord record, Tokens.LocalListPolicy policy)
{
    /// <summary>Most entries sent in one SendLocalList (chargers' SendLocalListMaxLength is usually of this order); tags beyond it are authorized online.</summary>
    public const int MaxEntries = 1000;

    private ChargerState State => record.State;

    private ITokenDirectoryGrain Directory => record.Grains.GetGrain<ITokenDirectoryGrain>(ITokenDirectoryGrain.Key);

    /// <summary>The update to send, or null; whether the state changed is told by <paramref name="changed"/>.</summary>
    public async Task<(LocalListUpdate? Update, bool Changed)> Plan(int? heldVersion)
    {
        var changed = false;
        if (heldVersion is { } held)
        {
            if (held < 0 && !State.LocalListUnsupported)
            {
                State.LocalListUnsupported = true;
                return (null, true);
            }

            if (held >= 0 && held != State.LocalListVersion)
            {
                // Wiped, replaced or never sent by us: only a whole list makes it ours again.
                State.LocalListVersion = 0;
                State.LocalListUnsupported = false;
                changed = true;
            }
        }

        if (State.LocalListUnsupported)
        {
            return (null, changed);
        }

        var registry = await Directory.Version();
        if (registry == State.LocalListVersion)
        {
            return (null, changed);
        }

        var since = State.LocalListVersion == 0 ? null : await Directory.ChangesSince(State.LocalListVersion);
        var update = since is { } tags && tags.Length <= MaxEntries
            ? new LocalListUpdate((int)registry, Full: false, await Entries(tags, full: false))
            : new LocalListUpdate((int)registry, Full: true, await Entries(await Directory.List(null, MaxEntries), full: true));
        return (update, changed);
    }

    /// <summary>Takes the charger's answer; whether the state changed.</summary>
    public bool Answered(int version, string status)
    {
        switch (status)
        {
            case "Accepted" when version > State.LocalListVersion:
                State.LocalListVersion = version;
                return true;
            case "NotSupported":
                State.LocalListUnsupported = true;
                return true;
            case "Failed" or "VersionMismatch":
                // The next attempt sends the whole list.
                State.LocalListVersion = 0;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The entries for <paramref name="idTags"/> under the policy: a tag that may charge keeps its entry; any other
    /// (blocked, expired, invalid, deleted, or every tag under None) is left out of a whole list and removed by a
    /// differential one (an entry without info), so no list ever names a tag that may not charge.
    /// </summary>
    private async Task<ImmutableArray<LocalListEntry>> Entries(IEnumerable<string> idTags, bool full)
    {
        var entries = await Task.WhenAll(idTags.Select(async tag =>
        {
            var info = policy == Tokens.LocalListPolicy.None ? null : await record.Grains.GetGrain<ITokenGrain>(tag).ListEntry();
            return new LocalListEntry(tag, info is { Accepted: true } ? info : null);
        }));
        return [.. entries.Where(e => !full || e.Info is not null)];
    }
}
