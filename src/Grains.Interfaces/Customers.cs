using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum CustomerKind
{
    Person = 0,
    Company = 1,
}

/// <summary>Who pays for a token's sessions: a person or a company, as an invoice addresses them.</summary>
[GenerateSerializer]
[Alias("charge.CustomerInfo")]
public sealed record CustomerInfo(
    [property: Id(0)] CustomerKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email = "",
    [property: Id(3)] string Address = "",
    [property: Id(4)] string City = "",
    [property: Id(5)] string PostalCode = "",
    [property: Id(6)] string Country = "",
    [property: Id(7)] string VatId = "",
    [property: Id(8)] string? TariffGroup = null);

[GenerateSerializer]
[Alias("charge.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] CustomerInfo Info,
    [property: Id(2)] DateTime UpdatedAt);

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

/// <summary>Every customer ID (key <see cref="Key"/>), in order, for listing.</summary>
[Alias("charge.ICustomerDirectoryGrain")]
public interface ICustomerDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Add")]
    Task Add(string customerId);

    /// <summary>Customer IDs after <paramref name="after"/> (exclusive, ordinal order), at most <paramref name="limit"/>.</summary>
    [Alias("List")]
    Task<ImmutableArray<string>> List(string? after, int limit);
}
