using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum InvoiceKind
{
    Invoice = 0,
    /// <summary>Reverses an invoice: same lines, negative amounts.</summary>
    CreditNote = 1,
}
