using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A customer account, keyed by the operator's customer ID.</summary>
[Alias("charge.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    [Alias("Put")]
    Task<CustomerView> Put(CustomerInfo info);

    /// <summary>The account; NotFound when there is none.</summary>
    [Alias("Get")]
    Task<CustomerView> Get();

    [Alias("Exists")]
    Task<bool> Exists();

    /// <summary>The customer group whose tariff its tags' sessions get (null: the public tariff; also for an unknown customer).</summary>
    [Alias("GetTariffGroup")]
    Task<string?> GetTariffGroup();

    /// <summary>A session of one of the customer's tags started (for the customer's session list). Interleaves: adds arriving while a write is in flight share the next write.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("AddSession")]
    Task AddSession(SessionRef session);

    /// <summary>The sessions of the customer's tags started in [from, to), newest first.</summary>
    [Alias("ListSessions")]
    Task<ImmutableArray<SessionRef>> ListSessions(DateTime from, DateTime to, int limit);
}
