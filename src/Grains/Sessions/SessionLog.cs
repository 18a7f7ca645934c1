using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sessions;

/// <summary>The session grain's log events (source-generated), shared by the grain and its pieces.</summary>
internal static partial class SessionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: storage write failed")]
    public static partial void StorageFailed(this ILogger logger, Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} started on {ChargerId} connector {ConnectorId}")]
    public static partial void Started(this ILogger logger, string sessionId, string chargerId, int connectorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} completed with {EnergyWh} Wh")]
    public static partial void Completed(this ILogger logger, string sessionId, decimal energyWh);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} reading anomaly {Kind}: {Detail}")]
    public static partial void Anomaly(this ILogger logger, string sessionId, AnomalyKind kind, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: archive, usage or invoice not done yet; retrying")]
    public static partial void FollowUpFailed(this ILogger logger, Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: its charger was not told it is followed up; the charger's reminder will ask")]
    public static partial void ChargerNotTold(this ILogger logger, Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: its reading log was not compacted; it stays as written")]
    public static partial void LogNotCompacted(this ILogger logger, Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meter batch {Sequence} for unknown session {SessionId} dropped")]
    public static partial void BatchForUnknownSession(this ILogger logger, string sessionId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} fixed its record after the stop grace period with batches up to {Consumed} of {Awaited} consumed")]
    public static partial void StopGraceExpired(this ILogger logger, string sessionId, long consumed, long awaited);
}
