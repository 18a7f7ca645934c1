using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>A charger's registry entry: what the operator declared, its credential, its site and how it is shown.</summary>
internal static class ChargerRegistry
{
    /// <summary>Refuses a declaration the charger cannot take now; changes nothing.</summary>
    public static void Check(ChargerState state, ChargerRegistration registration)
    {
        if (registration.ConnectorCount is < 1 or > Limits.MaxConnectors)
        {
            throw ChargeException.InvalidArgument($"connector_count must be 1..{Limits.MaxConnectors}");
        }

        // A connector the new declaration drops must be free: a session on it could never be stopped or balanced.
        var busy = state.Active.Where(a => a.Value.ConnectorId > registration.ConnectorCount)
            .OrderBy(a => a.Value.ConnectorId).Select(a => $"connector {a.Value.ConnectorId} (session {a.Key})").ToArray();
        if (busy.Length > 0)
        {
            throw ChargeException.FailedPrecondition(
                $"connector_count {registration.ConnectorCount} would remove {string.Join(", ", busy)}, which is charging: stop or force-close the session(s) first");
        }

    }

    /// <summary>Takes the operator's declaration, checked with <see cref="Check"/> (the site is moved separately: it calls other grains).</summary>
    public static void Apply(ChargerState state, ChargerRegistration registration)
    {
        foreach (var removed in state.Connectors.Keys.Where(c => c > registration.ConnectorCount).ToArray())
        {
            state.Connectors.Remove(removed);
        }

        state.ConnectorCount = registration.ConnectorCount;
        state.CredentialHash = registration.CredentialHash;
        state.Kind = registration.Kind ?? state.Kind;
        state.MaxPowerW = registration.MaxPowerW;
        state.ConnectorMaxPowerW = registration.ConnectorMaxPowerW;
    }

    /// <summary>
    /// Decommissions the charger (its credential revoked: it cannot connect or report again; its sessions and history
    /// stay); refused while sessions run. Whether anything changed (the site is left by the caller).
    /// </summary>
    public static bool Decommission(string chargerId, ChargerState state, DateTime now)
    {
        if (!Known(state) || state.CredentialHash is null && state.DecommissionedAt is null)
        {
            throw ChargeException.NotFound($"charger '{chargerId}' is not registered");
        }

        if (state.Active.Count > 0)
        {
            throw ChargeException.FailedPrecondition(
                $"charger '{chargerId}' has {state.Active.Count} session(s) running ({string.Join(", ", state.Active.Keys.Order(StringComparer.Ordinal))}): stop or force-close them first");
        }

        if (state.DecommissionedAt is not null)
        {
            return false;
        }

        state.DecommissionedAt = now;
        state.CredentialHash = null;
        return true;
    }

    /// <summary>Keeps the sites' charger lists in step with this charger's site (the charger's state is the truth).</summary>
    /// <remarks>The new site first: one that does not exist refuses (NotFound) before anything changed.</remarks>
    public static async Task MoveToSite(IGrainFactory grains, string chargerId, ChargerState state, string? siteId, int connectorCount)
    {
        // A charger on no site is listed under ISiteGrain.Unsited, so the network's figures count it.
        var (to, from) = (siteId ?? ISiteGrain.Unsited, state.SiteId ?? ISiteGrain.Unsited);
        await grains.GetGrain<ISiteGrain>(to).AddCharger(chargerId, connectorCount);
        if (from != to)
        {
            await grains.GetGrain<ISiteGrain>(from).RemoveCharger(chargerId);
        }

        state.SiteId = siteId;
    }

    /// <summary>A decommissioned charger leaves every list of chargers (its site's, or the list of those on none).</summary>
    public static async Task LeaveSite(IGrainFactory grains, string chargerId, ChargerState state)
    {
        await grains.GetGrain<ISiteGrain>(state.SiteId ?? ISiteGrain.Unsited).RemoveCharger(chargerId);
        state.SiteId = null;
    }

    /// <summary>Compares the presented secret's hash with the stored one in constant time.</summary>
    public static bool Verify(ChargerState state, string credentialHash) =>
        state.CredentialHash is { } stored
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(credentialHash));

    /// <summary>Whether anything is known of the charger: registered, placed on a site, or ever reported.</summary>
    public static bool Known(ChargerState state) =>
        state.Connectors.Count > 0 || state.LastHeartbeat is not null || state.SiteId is not null || state.CredentialHash is not null;

    /// <summary>The charger as operators see it: its fleet status is the most urgent of decommissioned, offline, faulted, charging, available.</summary>
    public static ChargerView View(string chargerId, ChargerState state, ConnectorBoard board, DateTime lastContact, bool ocpp, bool station,
        Func<string, double?> livePowerW, bool online) => Description(chargerId, state, board, lastContact, ocpp, station, livePowerW) with
    {
        Online = online,
        LastSeenAt = state.LastSeen,
        Boot = state.Boot,
        DecommissionedAt = state.DecommissionedAt,
        FleetStatus = state.DecommissionedAt is not null ? FleetStatus.Decommissioned
            : !online ? FleetStatus.Offline
            : board.ChargerFaulted() ? FleetStatus.Faulted
            : state.Active.Count > 0 ? FleetStatus.Charging
            : FleetStatus.Available,
        LocalListVersion = state.LocalListVersion,
        LocalListUnsupported = state.LocalListUnsupported,
        SecurityEvents = [.. state.SecurityEvents],
        SecurityEventCount = state.SecurityEventCount,
    };

    private static ChargerView Description(string chargerId, ChargerState state, ConnectorBoard board, DateTime lastContact, bool ocpp, bool station,
        Func<string, double?> livePowerW) => new(
        chargerId,
        [.. state.Connectors.OrderBy(c => c.Key)
            .Select(c => new ConnectorView(c.Key, c.Value.Status, c.Value.ActiveSessionId, c.Value.ErrorCode, c.Value.StatusAt,
                c.Value.ActiveSessionId is { } running ? livePowerW(running) : null, state.IdleMeters.GetValueOrDefault(c.Key)))],
        state.LastHeartbeat,
        Known: true,
        state.SiteId,
        state.AnomalyCount,
        [.. state.Anomalies],
        Registered: state.CredentialHash is not null,
        state.ConnectorCount,
        state.Kind ?? ConnectorKind.Default,
        Enumerable.Range(1, Math.Max(state.ConnectorCount, state.Connectors.Keys.DefaultIfEmpty(0).Max()))
            .ToImmutableDictionary(c => c, board.MaxPowerOf),
        lastContact,
        ocpp,
        station,
        [.. state.Refused],
        state.RefusedCount);
}
