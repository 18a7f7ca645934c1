using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// The documents issued to one account in one month of the billing calendar, keyed "idtag:{tag}|{yyyy-MM}" or
/// "customer:{id}|{yyyy-MM}": one grain per account and month, so no grain sees every invoice of the network.
/// </summary>
[Alias("charge.IInvoiceIndexGrain")]
public interface IInvoiceIndexGrain : IGrainWithStringKey
{
    public static string IdTagKey(string idTag, string month) => $"idtag:{idTag}|{month}";

    public static string CustomerKey(string customerId, string month) => $"customer:{customerId}|{month}";

    /// <summary>Adds a document once (by number).</summary>
    [Alias("Add")]
    Task Add(InvoiceSummary summary);

    [Alias("List")]
    Task<ImmutableArray<InvoiceSummary>> List();
}
