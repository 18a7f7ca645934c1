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

    /// <summary>Closed without an invoice: it had no session when the month was closed.</summary>
    [Id(4)] public bool ClosedEmpty { get; set; }
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

        if (state.State.Number is not null || state.State.ClosedEmpty)
        {
            return false;
        }

        // Joined first: a month closed before this account joined invoices the session alone. A close that listed the
        // account waits for this turn to end (the grain takes one call at a time), so it finds the entry stored.
        if (!await GrainFactory.GetGrain<IBillingPeriodGrain>(Period).Join(Account))
        {
            return false;
        }

        state.State.Entries[entry.SessionId] = entry;
        await state.WriteOrUnavailable(GrainContext);
        return true;
    }

    public async Task<string?> Close()
    {
        if (state.State.Number is null)
        {
            if (state.State.Entries.Count == 0)
            {
                // Joined, then the entry's write failed: nothing to invoice, and nothing may join this month any more.
                if (!state.State.ClosedEmpty)
                {
                    state.State.ClosedEmpty = true;
                    await state.WriteOrUnavailable(GrainContext);
                }

                return null;
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
                Seller.Of(options.Value), billTo, time.GetUtcNow().UtcDateTime, options.Value.TimeZone);
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

    [Id(1)] public bool Closed { get; set; }
}

public sealed class BillingPeriodGrain([PersistentState("period", StorageNames.Charge)] IPersistentState<BillingPeriodState> state) : Grain, IBillingPeriodGrain
{
    public async Task<bool> Join(string account)
    {
        if (state.State.Closed)
        {
            return false;
        }

        if (state.State.IdTags.Add(account))
        {
            await state.WriteOrUnavailable(GrainContext);
        }

        return true;
    }

    public async Task<ImmutableArray<string>> Close()
    {
        if (!state.State.Closed)
        {
            state.State.Closed = true;
            await state.WriteOrUnavailable(GrainContext);
        }

        return await IdTags();
    }

    public Task<ImmutableArray<string>> IdTags() => Task.FromResult(state.State.IdTags.Order(StringComparer.Ordinal).ToImmutableArray());
}
