using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// What follows a completed session (key: its session ID): the reporting archive, the usage statistics and the
/// invoice, each done once however often it is asked.
/// </summary>
[Alias("charge.ISettlementGrain")]
public interface ISettlementGrain : IGrainWithStringKey
{
    /// <summary>Does the steps not done yet for this completed session; a failure throws and the caller retries.</summary>
    [Alias("Settle")]
    Task<Settlement> Settle(SessionView session);

    /// <summary>
    /// Reverses the settled session's revenue in the usage figures and marks the session credited by the note; done
    /// once however often it is asked, so a retried credit note never counts twice.
    /// </summary>
    [Alias("Credit")]
    Task Credit(string creditNoteNumber);
}
