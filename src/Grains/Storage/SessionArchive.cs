using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Azure;
using Azure.Data.Tables;

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

/// <summary>The archive in an Azure Table: partition key = local date (yyyy-MM-dd), row key = session ID.</summary>
public sealed class TableSessionArchive(TableClient table) : ISessionArchive
{
    public Task InitAsync(CancellationToken cancellation = default) => table.CreateIfNotExistsAsync(cancellation);

    public async Task ArchiveAsync(ArchivedSession s, CancellationToken cancellation = default)
    {
        // Decimals are stored as invariant strings: Azure Tables has no decimal type and money must stay exact.
        var entity = new TableEntity(s.LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.SessionId)
        {
            ["ChargerId"] = s.ChargerId,
            ["SiteId"] = s.SiteId,
            ["ConnectorId"] = s.ConnectorId,
            ["IdTag"] = s.IdTag,
            ["StartedAt"] = DateTime.SpecifyKind(s.StartedAt, DateTimeKind.Utc),
            ["StoppedAt"] = DateTime.SpecifyKind(s.StoppedAt, DateTimeKind.Utc),
            ["TimeZone"] = s.TimeZone,
            ["EnergyWh"] = Text(s.EnergyWh),
            ["StopReason"] = s.StopReason,
            ["TariffId"] = s.TariffId,
            ["TariffVersion"] = s.TariffVersion,
            ["Currency"] = s.Currency,
            ["TotalExclVat"] = s.TotalExclVat is { } excl ? Text(excl) : null,
            ["TotalInclVat"] = s.TotalInclVat is { } incl ? Text(incl) : null,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellation);
    }

    public async Task<ImmutableArray<ArchivedSession>> QueryAsync(DateOnly from, DateOnly to, string? chargerId = null, string? idTag = null, CancellationToken cancellation = default, string? siteId = null)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Key(from)} and PartitionKey le {Key(to)}");
        if (chargerId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ChargerId eq {chargerId}");
        }

        if (idTag is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"IdTag eq {idTag}");
        }

        if (siteId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"SiteId eq {siteId}");
        }

        var result = ImmutableArray.CreateBuilder<ArchivedSession>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellation))
        {
            result.Add(new ArchivedSession
            {
                SessionId = e.RowKey,
                LocalDate = DateOnly.ParseExact(e.PartitionKey, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                ChargerId = e.GetString("ChargerId"),
                SiteId = e.GetString("SiteId"),
                ConnectorId = e.GetInt32("ConnectorId") ?? 0,
                IdTag = e.GetString("IdTag"),
                StartedAt = e.GetDateTimeOffset("StartedAt")!.Value.UtcDateTime,
                StoppedAt = e.GetDateTimeOffset("StoppedAt")!.Value.UtcDateTime,
                TimeZone = e.GetString("TimeZone"),
                EnergyWh = Dec(e.GetString("EnergyWh"))!.Value,
                StopReason = e.GetString("StopReason") ?? "",
                TariffId = e.GetString("TariffId"),
                TariffVersion = e.GetInt32("TariffVersion"),
                Currency = e.GetString("Currency"),
                TotalExclVat = Dec(e.GetString("TotalExclVat")),
                TotalInclVat = Dec(e.GetString("TotalInclVat")),
            });
        }

        return result.ToImmutable();
    }

    private static string Key(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal? Dec(string? value) => value is null ? null : decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
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
