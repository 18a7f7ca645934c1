using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sessions;

/// <summary>The session grain's log events (source-generated).</summary>
public sealed partial class SessionGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: storage write failed")]
    private partial void LogStorageFailed(Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} started on {ChargerId} connector {ConnectorId}")]
    private partial void LogStarted(string sessionId, string chargerId, int connectorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} completed with {EnergyWh} Wh")]
    private partial void LogCompleted(string sessionId, decimal energyWh);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} reading anomaly {Kind}: {Detail}")]
    private partial void LogAnomaly(string sessionId, AnomalyKind kind, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: archive, usage or invoice not done yet; retrying")]
    private partial void LogFollowUpFailed(Exception e, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meter batch {Sequence} for unknown session {SessionId} dropped")]
    private partial void LogBatchForUnknownSession(string sessionId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} fixed its record after the stop grace period with batches up to {Consumed} of {Awaited} consumed")]
    private partial void LogStopGraceExpired(string sessionId, long consumed, long awaited);
}
