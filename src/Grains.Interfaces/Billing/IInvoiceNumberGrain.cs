using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// The single writer of one invoice series (key "{operator}:{year}"): hands out numbers without gaps or repeats.
/// A number is reserved for a document ID until confirmed; asking again for the same document gets the same number,
/// so a caller that failed between reserving and issuing retries without leaving a gap.
/// </summary>
[Alias("charge.IInvoiceNumberGrain")]
public interface IInvoiceNumberGrain : IGrainWithStringKey
{
    [Alias("Reserve")]
    Task<long> Reserve(string documentId);

    [Alias("Confirm")]
    Task Confirm(string documentId);

    /// <summary>Numbers handed out so far (the last one).</summary>
    [Alias("Last")]
    Task<long> Last();
}
