using Microsoft.Extensions.Logging;

namespace Charge.Grains.Chargers;

/// <summary>The charger grain's log events (source-generated), shared by the grain and its pieces.</summary>
internal static partial class ChargerLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Charger {ChargerId}: storage call failed")]
    public static partial void StorageFailed(this ILogger logger, Exception e, string chargerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: batch {Position} is logged but its stream message failed; the session reads it from the log")]
    public static partial void PublishFailed(this ILogger logger, Exception e, string sessionId, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} closed without the charger's stop: {Reason} by {ClosedBy}")]
    public static partial void ClosedWithoutStop(this ILogger logger, string sessionId, string reason, string closedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start refused for id_tag {IdTag} on connector {ConnectorId}: {Status}")]
    public static partial void Refused(this ILogger logger, string idTag, int connectorId, Charge.Grains.Interfaces.AuthorizationStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ended but id_tag {IdTag} was not told; its slot frees when it next counts")]
    public static partial void SlotNotReleased(this ILogger logger, Exception e, string sessionId, string idTag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charger {ChargerId} connector {ConnectorId}: external charging limit {LimitW} W from {Source} (none: cleared)")]
    public static partial void ExternalLimit(this ILogger logger, string chargerId, int connectorId, double? limitW, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charger {ChargerId} reported the security event {Type}: {TechInfo}")]
    public static partial void SecurityEventReported(this ILogger logger, string chargerId, string type, string techInfo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: the charger refused its power limit ({Status}); counted at its maximum")]
    public static partial void LimitRefused(this ILogger logger, string sessionId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ended but its site's load balancer was not told")]
    public static partial void LoadNotTold(this ILogger logger, Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: its follow-up could not be asked for; asked again at the charger's next reminder")]
    public static partial void FollowUpNotAsked(this ILogger logger, Exception e, string sessionId);
}
