using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// A charger's connectors and the sessions running on them, over its persisted state: which connector a session
/// holds, freeing it at a stop, status notifications in order. Pure: the grain writes.
/// </summary>
internal sealed class ConnectorBoard(ChargerRecord record)
{
    private ChargerState State => record.State;

    /// <summary>The connector, created on first use; a registered charger has exactly the connectors the operator declared.</summary>
    public ConnectorState Connector(int connectorId)
    {
        if (State.ConnectorCount > 0 && connectorId > State.ConnectorCount)
        {
            throw ChargeException.InvalidArgument(
                $"charger '{record.ChargerId}' has {State.ConnectorCount} connector(s); connector {connectorId} does not exist");
        }

        if (!State.Connectors.TryGetValue(connectorId, out var connector))
        {
            connector = new ConnectorState();
            State.Connectors[connectorId] = connector;
        }

        return connector;
    }

    /// <summary>Whether the session is one this charger has running (not stopped, not closed).</summary>
    public bool IsActive(string sessionId) => State.Active.ContainsKey(sessionId);

    /// <summary>The session now holds its connector, which is charging.</summary>
    public ActiveSession Occupy(string sessionId, int connectorId, DateTime at)
    {
        var connector = Connector(connectorId);
        connector.ActiveSessionId = sessionId;
        connector.Status = ConnectorStatus.Charging;
        connector.StatusAt = at;
        return State.Active[sessionId] = new ActiveSession { ConnectorId = connectorId };
    }

    /// <summary>The session no longer runs here; its connector, if it still holds it, is available again. The session's entry, if it ran here.</summary>
    public ActiveSession? Release(string sessionId, DateTime at)
    {
        if (!State.Active.Remove(sessionId, out var active))
        {
            return null;
        }

        // Never refused: a connector the registry no longer declares is freed all the same (a stop is always taken).
        if (State.Connectors.TryGetValue(active.ConnectorId, out var connector) && connector.ActiveSessionId == sessionId)
        {
            connector.ActiveSessionId = null;
            connector.Status = ConnectorStatus.Available;
            connector.StatusAt = at;
        }

        return active;
    }

    /// <summary>Most refused starts kept for the operator to see.</summary>
    public const int RefusedKept = 50;

    /// <summary>Keeps a start the registry refused, dropping the oldest beyond <see cref="RefusedKept"/>.</summary>
    public void Refused(RefusedStart refused)
    {
        State.RefusedCount++;
        State.Refused.Add(refused);
        if (State.Refused.Count > RefusedKept)
        {
            State.Refused.RemoveAt(0);
        }
    }

    /// <summary>
    /// Applies a status notification unless a newer one was applied: notifications queued by an offline charger
    /// may arrive late. Ordered by the charger's time but never ahead of ours (<paramref name="now"/>): a status
    /// stamped in the future (inside the allowed skew) would otherwise outrank every real status after it, and a
    /// Faulted one would refuse starts until the clock passed it. Whether it changed anything.
    /// </summary>
    public bool ApplyStatus(StatusReport report, DateTime now)
    {
        var connector = Connector(report.ConnectorId);
        var orderedAt = report.Timestamp < now ? report.Timestamp : now;
        if (connector.StatusAt is not null && orderedAt < connector.StatusAt)
        {
            return false;
        }

        connector.Status = report.Status;
        connector.ErrorCode = report.ErrorCode;
        connector.StatusAt = orderedAt;
        return true;
    }

    /// <summary>
    /// Whether the charger as a whole is faulted: its main controller (connector 0) reports Faulted, or every
    /// connector it has does. One faulted connector of several leaves the charger available.
    /// </summary>
    public bool ChargerFaulted()
    {
        if (State.Connectors.TryGetValue(0, out var main) && main.Status == ConnectorStatus.Faulted)
        {
            return true;
        }

        var connectors = State.Connectors.Where(c => c.Key > 0).Select(c => c.Value).ToArray();
        return connectors.Length > 0 && (State.ConnectorCount == 0 || connectors.Length >= State.ConnectorCount)
            && connectors.All(c => c.Status == ConnectorStatus.Faulted);
    }

    /// <summary>The session running on a connector, with its OCPP transaction, if any.</summary>
    public (string SessionId, ActiveSession Active)? RunningOn(int connectorId) =>
        Connector(connectorId).ActiveSessionId is { } current && State.Active.TryGetValue(current, out var running)
            ? (current, running)
            : null;

    /// <summary>The registered maximum power of a connector, else the charger's, else the most its power type can draw.</summary>
    /// <summary>
    /// What a session on the connector may draw at most: its maximum, under any limit set from outside on it, and its
    /// part of one set on the whole charger (shared evenly, so the charger's sessions together stay under it).
    /// </summary>
    public double AllowedMaxOf(int connectorId)
    {
        var max = MaxPowerOf(connectorId);
        if (State.ExternalLimitsW.TryGetValue(connectorId, out var own))
        {
            max = Math.Min(max, own);
        }

        if (State.ExternalLimitsW.TryGetValue(0, out var whole))
        {
            max = Math.Min(max, whole / Math.Max(1, Math.Max(State.ConnectorCount, State.Connectors.Keys.DefaultIfEmpty(1).Max())));
        }

        return max;
    }

    public double MaxPowerOf(int connectorId) =>
        State.ConnectorMaxPowerW is { } perConnector && perConnector.TryGetValue(connectorId, out var own) ? own
        : State.MaxPowerW ?? Limits.DefaultMaxPowerW(State.Kind?.PowerType);
}
