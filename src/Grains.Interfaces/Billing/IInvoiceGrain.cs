using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>An issued document, keyed by its number.</summary>
[Alias("charge.IInvoiceGrain")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>Stores the document under this number; issuing the same document again is a no-op, a different one is refused.</summary>
    [Alias("Issue")]
    Task<Invoice> Issue(Invoice invoice);

    /// <summary>Null when no document has this number.</summary>
    [Alias("Get")]
    Task<Invoice?> Get();

    /// <summary>Marks this invoice as reversed by a credit note (once).</summary>
    [Alias("MarkCredited")]
    Task<Invoice> MarkCredited(string creditNoteNumber);
}
