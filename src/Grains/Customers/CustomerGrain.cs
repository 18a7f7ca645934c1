using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Customers;

[GenerateSerializer]
[Alias("charge.CustomerState")]
public sealed record CustomerState
{
    [Id(0)] public CustomerInfo? Info { get; set; }
    [Id(1)] public DateTime UpdatedAt { get; set; }

    /// <summary>Sessions of the customer's tags, oldest first, at most <see cref="CustomerGrain.HistoryLimit"/>.</summary>
    [Id(2)] public List<SessionRef> Sessions { get; set; } = [];
}

/// <summary>A customer account: who an invoice is addressed to.</summary>
public sealed class CustomerGrain(
    [PersistentState("customer", StorageNames.Charge)] IPersistentState<CustomerState> state,
    TimeProvider time) : Grain, ICustomerGrain
{
    public const int HistoryLimit = 2000;

    // Every write of the state goes through it: starts of the customer's tags (which interleave) share writes, and
    // never overlap a change of the account.
    private CoalescedWrite? _write;

    private string CustomerId => this.GetPrimaryKeyString();

    private CoalescedWrite Writes => _write ??= new CoalescedWrite(() => state.WriteOrUnavailable(GrainContext));

    private Task Write() => Writes.WriteAsync();

    public Task AddSession(SessionRef session) =>
        Chargers.SessionIndex.Add(state.State.Sessions, session, HistoryLimit) ? Write() : Writes.StoredAsync();

    public Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit) =>
        Task.FromResult(Chargers.SessionIndex.Query(state.State.Sessions, from, to, limit));

    public async Task<CustomerView> Put(CustomerInfo info)
    {
        state.State.Info = info;
        state.State.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await Write();
        await GrainFactory.GetGrain<ICustomerDirectoryGrain>(ICustomerDirectoryGrain.Key).Add(CustomerId);
        return View(info);
    }

    public Task<CustomerView> Get() => Task.FromResult(View(
        state.State.Info ?? throw ChargeException.NotFound($"customer '{CustomerId}' does not exist")));

    public Task<bool> Exists() => Task.FromResult(state.State.Info is not null);

    public Task<string?> GetTariffGroup() => Task.FromResult(state.State.Info?.TariffGroup);

    private CustomerView View(CustomerInfo info) => new(CustomerId, info, state.State.UpdatedAt);
}

/// <summary>Every customer ID in order.</summary>
public sealed class CustomerDirectoryGrain([PersistentState("customers", StorageNames.Charge)] IPersistentState<DirectoryState> state) : Grain, ICustomerDirectoryGrain
{
    public async Task Add(string customerId)
    {
        if (state.State.Add(customerId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<ImmutableArray<string>> List(string? after, int limit) => Task.FromResult(state.State.Page(after, limit));
}
