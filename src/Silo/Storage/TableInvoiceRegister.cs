using System.Collections.Immutable;
using System.Globalization;
using Azure.Data.Tables;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Storage;

namespace Charge.Silo.Storage;

/// <summary>The invoice register in an Azure Table: partition key = month of issue (yyyy-MM), row key = document number.</summary>
public sealed class TableInvoiceRegister(TableClient table) : IInvoiceRegister
{
    public Task InitAsync(CancellationToken cancellation = default) => table.CreateIfNotExistsAsync(cancellation);

    public async Task RecordAsync(string month, InvoiceSummary s, CancellationToken cancellation = default)
    {
        // Money as invariant strings: Azure Tables has no decimal type and amounts must stay exact.
        var entity = new TableEntity(month, s.Number)
        {
            ["Kind"] = s.Kind.ToString(),
            ["IssuedAt"] = DateTime.SpecifyKind(s.IssuedAt, DateTimeKind.Utc),
            ["SessionId"] = s.SessionId,
            ["IdTag"] = s.IdTag,
            ["CustomerId"] = s.CustomerId,
            ["Currency"] = s.Currency,
            ["TotalExclVat"] = Text(s.Total.ExclVat),
            ["TotalInclVat"] = Text(s.Total.InclVat),
            ["Period"] = s.Period,
            ["Reverses"] = s.Reverses,
            ["CreditedBy"] = s.CreditedBy,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellation);
    }

    public async Task<ImmutableArray<InvoiceSummary>> ListAsync(string month, string? after, int take, CancellationToken cancellation = default)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {month}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {month} and RowKey gt {after}");
        var result = ImmutableArray.CreateBuilder<InvoiceSummary>();
        // Rows come back in row-key order within a partition: number order.
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(take, 1000), cancellationToken: cancellation))
        {
            result.Add(new InvoiceSummary(
                e.RowKey,
                Enum.Parse<InvoiceKind>(e.GetString("Kind")),
                e.GetDateTimeOffset("IssuedAt")!.Value.UtcDateTime,
                e.GetString("SessionId"),
                e.GetString("IdTag") ?? "",
                e.GetString("CustomerId"),
                e.GetString("Currency"),
                new Money(Dec(e.GetString("TotalExclVat")), Dec(e.GetString("TotalInclVat"))),
                e.GetString("Period"),
                e.GetString("Reverses"),
                e.GetString("CreditedBy")));
            if (result.Count == take)
            {
                break;
            }
        }

        return result.ToImmutable();
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal Dec(string value) => decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
