using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;

namespace Charge.Grains.Storage;

/// <summary>A completed session's final record, as archived for reporting and export.</summary>
public sealed record ArchivedSession
{
    public required string SessionId { get; init; }
    public required string ChargerId { get; init; }
    public string? SiteId { get; init; }
    public int ConnectorId { get; init; }
    public required string IdTag { get; init; }
    public DateTime StartedAt { get; init; }
    public DateTime StoppedAt { get; init; }
    /// <summary>The start's date in <see cref="TimeZone"/>: the partition.</summary>
    public DateOnly LocalDate { get; init; }
    public required string TimeZone { get; init; }
    public decimal EnergyWh { get; init; }
    public string StopReason { get; init; } = "";
    public string? TariffId { get; init; }
    public int? TariffVersion { get; init; }
    public string? Currency { get; init; }
    public decimal? TotalExclVat { get; init; }
    public decimal? TotalInclVat { get; init; }
}

/// <summary>Completed sessions for reporting: written once per session (idempotently), read by local date range.</summary>
public interface ISessionArchive
{
    Task ArchiveAsync(ArchivedSession session, CancellationToken cancellation = default);

    /// <summary>Sessions whose local start date is in [from, to], optionally of one charger or id_tag.</summary>
    Task<ImmutableArray<ArchivedSession>> QueryAsync(DateOnly from, DateOnly to, string? chargerId = null, string? idTag = null, CancellationToken cancellation = default, string? siteId = null);
}

/// <summary>The archive in memory, for the memory storage mode and tests: lost with the process, like the rest.</summary>
public sealed class MemorySessionArchive : ISessionArchive
{
    private readonly ConcurrentDictionary<string, ArchivedSession> _sessions = new();

    public Task ArchiveAsync(ArchivedSession session, CancellationToken cancellation = default)
    {
        _sessions[session.SessionId] = session;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<ArchivedSession>> QueryAsync(DateOnly from, DateOnly to, string? chargerId = null, string? idTag = null, CancellationToken cancellation = default, string? siteId = null) =>
        Task.FromResult(_sessions.Values
            .Where(s => s.LocalDate >= from && s.LocalDate <= to && (chargerId is null || s.ChargerId == chargerId) && (idTag is null || s.IdTag == idTag)
                        && (siteId is null || s.SiteId == siteId))
            .OrderBy(s => s.LocalDate).ThenBy(s => s.SessionId, StringComparer.Ordinal)
            .ToImmutableArray());
}
