using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace Charge.Grains.Billing;

[GenerateSerializer]
[Alias("charge.StatementState")]
public sealed record StatementState
{
    [Id(0)] public Dictionary<string, StatementEntry> Entries { get; set; } = [];

    /// <summary>Reserved before the invoice is written (as a session does), so a retried close reuses it.</summary>
    [Id(1)] public string? Number { get; set; }
    [Id(2)] public string? Series { get; set; }
    [Id(3)] public bool Issued { get; set; }
}

/// <summary>One id_tag's month: collects its priced sessions, then issues one invoice with a line per session.</summary>
public sealed class MonthlyStatementGrain(
    [PersistentState("statement", StorageNames.Charge)] IPersistentState<StatementState> state, IOptions<BillingOptions> options, TimeProvider time)
    : Grain, IMonthlyStatementGrain
{
    /// <summary>An id_tag, or "customer:{id}".</summary>
    private string Account => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('|')];

    private string? CustomerId => Account.StartsWith(IMonthlyStatementGrain.CustomerPrefix, StringComparison.Ordinal)
        ? Account[IMonthlyStatementGrain.CustomerPrefix.Length..]
        : null;

    private string Period => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().LastIndexOf('|') + 1)..];

    public async Task<bool> Add(StatementEntry entry)
    {
        if (state.State.Entries.ContainsKey(entry.SessionId))
        {
            return true;
        }

        if (state.State.Number is not null)
        {
            return false;
        }

        state.State.Entries[entry.SessionId] = entry;
        await state.WriteOrUnavailable(GrainContext);
        await GrainFactory.GetGrain<IBillingPeriodGrain>(Period).Add(Account);
        return true;
    }

    public async Task<string> Close()
    {
        if (state.State.Number is null)
        {
            if (state.State.Entries.Count == 0)
            {
                throw ChargeException.FailedPrecondition($"{Account} has no sessions in {Period}");
            }

            var (series, year) = BillingGrain.Series(options.Value, time.GetUtcNow().UtcDateTime);
            var sequence = await GrainFactory.GetGrain<IInvoiceNumberGrain>(series).Reserve($"month:{this.GetPrimaryKeyString()}");
            state.State.Number = InvoiceBuilder.Number(options.Value.InvoicePrefix, year, sequence);
            state.State.Series = series;
            await state.WriteOrUnavailable(GrainContext);
        }

        if (!state.State.Issued)
        {
            var billTo = CustomerId is { } customer ? InvoiceBuilder.BillTo(await GrainFactory.GetGrain<ICustomerGrain>(customer).Get()) : null;
            var invoice = InvoiceBuilder.ForMonth(state.State.Number, Account, Period, [.. state.State.Entries.Values],
                Seller.Of(options.Value), billTo, time.GetUtcNow().UtcDateTime);
            await GrainFactory.GetGrain<IInvoiceGrain>(state.State.Number).Issue(invoice);
            await GrainFactory.GetGrain<IInvoiceNumberGrain>(state.State.Series!).Confirm($"month:{this.GetPrimaryKeyString()}");
            state.State.Issued = true;
            await state.WriteOrUnavailable(GrainContext);
        }

        return state.State.Number;
    }
}

[GenerateSerializer]
[Alias("charge.BillingPeriodState")]
public sealed record BillingPeriodState
{
    [Id(0)] public HashSet<string> IdTags { get; set; } = [];
}

public sealed class BillingPeriodGrain([PersistentState("period", StorageNames.Charge)] IPersistentState<BillingPeriodState> state) : Grain, IBillingPeriodGrain
{
    public async Task Add(string idTag)
    {
        if (state.State.IdTags.Add(idTag))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<ImmutableArray<string>> IdTags() => Task.FromResult(state.State.IdTags.Order(StringComparer.Ordinal).ToImmutableArray());
}
