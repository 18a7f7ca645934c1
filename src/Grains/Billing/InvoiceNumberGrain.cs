using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Billing;

[GenerateSerializer]
[Alias("charge.InvoiceNumberState")]
public sealed record InvoiceNumberState
{
    [Id(0)] public long Last { get; set; }

    /// <summary>Numbers handed out whose documents are not confirmed yet, by document ID.</summary>
    [Id(1)] public Dictionary<string, long> Pending { get; set; } = [];
}

/// <summary>
/// One series' single writer. A number is persisted as handed out before the caller sees it, so a silo failure can
/// never hand it out twice; a caller that fails before issuing asks again with the same document ID and gets the
/// same number, so no number is skipped.
/// </summary>
public sealed class InvoiceNumberGrain([PersistentState("series", StorageNames.Charge)] IPersistentState<InvoiceNumberState> state) : Grain, IInvoiceNumberGrain
{
    public async Task<long> Reserve(string documentId)
    {
        if (state.State.Pending.TryGetValue(documentId, out var reserved))
        {
            return reserved;
        }

        var number = state.State.Last + 1;
        state.State.Last = number;
        state.State.Pending[documentId] = number;
        await state.WriteOrUnavailable(GrainContext);
        return number;
    }

    public async Task Confirm(string documentId)
    {
        if (state.State.Pending.Remove(documentId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<long> Last() => Task.FromResult(state.State.Last);
}
