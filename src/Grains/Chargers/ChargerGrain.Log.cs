using Microsoft.Extensions.Logging;

namespace Charge.Grains.Chargers;

/// <summary>The charger grain's log events (source-generated).</summary>
public sealed partial class ChargerGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Charger {ChargerId}: storage call failed")]
    private partial void LogStorageFailed(Exception e, string chargerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: batch {Position} is logged but its stream message failed; the session reads it from the log")]
    private partial void LogPublishFailed(Exception e, string sessionId, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} closed without the charger's stop: {Reason} by {ClosedBy}")]
    private partial void LogClosedWithoutStop(string sessionId, string reason, string closedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start refused for id_tag {IdTag} on connector {ConnectorId}: {Status}")]
    private partial void LogRefused(string idTag, int connectorId, Charge.Grains.Interfaces.AuthorizationStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ended but id_tag {IdTag} was not told; its slot frees when it next counts")]
    private partial void LogSlotNotReleased(Exception e, string sessionId, string idTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: the charger refused its power limit ({Status}); counted at its maximum")]
    private partial void LogLimitRefused(string sessionId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ended but its site's load balancer was not told")]
    private partial void LogLoadNotTold(Exception e, string sessionId);
}
