using System.Collections.Concurrent;
using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Storage;

/// <summary>
/// Every issued document of the network by its month of issue (in the billing calendar), for an operator's month list:
/// written idempotently when a document is issued or credited, read a page at a time in number order. A store rather
/// than a grain, so no single activation holds a busy month's documents.
/// </summary>
public interface IInvoiceRegister
{
    /// <summary>Adds or replaces the document's row (a retry writes the same row again).</summary>
    Task RecordAsync(string month, InvoiceSummary summary, CancellationToken cancellation = default);

    /// <summary>Up to <paramref name="take"/> documents of the month with numbers after <paramref name="after"/>, by number.</summary>
    Task<ImmutableArray<InvoiceSummary>> ListAsync(string month, string? after, int take, CancellationToken cancellation = default);
}

/// <summary>The register in memory, for the memory storage mode and tests: lost with the process, like the rest.</summary>
public sealed class MemoryInvoiceRegister : IInvoiceRegister
{
    private readonly ConcurrentDictionary<(string Month, string Number), InvoiceSummary> _documents = new();

    public Task RecordAsync(string month, InvoiceSummary summary, CancellationToken cancellation = default)
    {
        _documents[(month, summary.Number)] = summary;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<InvoiceSummary>> ListAsync(string month, string? after, int take, CancellationToken cancellation = default) =>
        Task.FromResult(_documents
            .Where(d => d.Key.Month == month && (after is null || string.CompareOrdinal(d.Key.Number, after) > 0))
            .OrderBy(d => d.Key.Number, StringComparer.Ordinal)
            .Take(take)
            .Select(d => d.Value)
            .ToImmutableArray());
}
