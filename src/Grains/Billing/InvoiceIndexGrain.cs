using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Billing;

[GenerateSerializer]
[Alias("charge.InvoiceIndexState")]
public sealed record InvoiceIndexState
{
    [Id(0)] public List<InvoiceSummary> Documents { get; set; } = [];
}

/// <summary>One account's documents of one month, in the order issued.</summary>
public sealed class InvoiceIndexGrain([PersistentState("invoices", StorageNames.Charge)] IPersistentState<InvoiceIndexState> state) : Grain, IInvoiceIndexGrain
{
    public async Task Add(InvoiceSummary summary)
    {
        if (state.State.Documents.Any(d => d.Number == summary.Number))
        {
            return;
        }

        state.State.Documents.Add(summary);
        await state.WriteOrUnavailable(GrainContext);
    }

    public Task<ImmutableArray<InvoiceSummary>> List() => Task.FromResult(state.State.Documents.ToImmutableArray());
}
