using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Azure;
using Azure.Data.Tables;

using Charge.Grains.Storage;

namespace Charge.Silo.Storage;


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
