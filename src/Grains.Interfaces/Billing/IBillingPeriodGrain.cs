using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// The accounts with sessions in one local month (key yyyy-MM), for closing it. Joining and closing are one grain's
/// turns, so an account either joined before the close (and is invoiced by it) or is told the month is closed.
/// </summary>
[Alias("charge.IBillingPeriodGrain")]
public interface IBillingPeriodGrain : IGrainWithStringKey
{
    /// <summary>Lists the account for the close; false once the month is closed.</summary>
    [Alias("Join")]
    Task<bool> Join(string account);

    /// <summary>Closes the month to new accounts (once; stored before it answers) and returns the accounts to invoice.</summary>
    [Alias("Close")]
    Task<ImmutableArray<string>> Close();

    [Alias("IdTags")]
    Task<ImmutableArray<string>> IdTags();
}
