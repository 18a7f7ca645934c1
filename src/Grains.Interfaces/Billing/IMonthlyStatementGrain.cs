using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>
/// One account's sessions of one local month (key "{account}|{yyyy-MM}"), invoiced once when the month is closed.
/// The account is an id_tag, or "customer:{id}" for all the tags of a customer.
/// </summary>
[Alias("charge.IMonthlyStatementGrain")]
public interface IMonthlyStatementGrain : IGrainWithStringKey
{
    public const string CustomerPrefix = "customer:";

    public static string Key(string account, string period) => $"{account}|{period}";

    public static string CustomerAccount(string customerId) => CustomerPrefix + customerId;

    /// <summary>
    /// Adds a session once; false when the month is already closed, for this account or the whole period (the session
    /// is then invoiced alone).
    /// </summary>
    [Alias("Add")]
    Task<bool> Add(StatementEntry entry);

    /// <summary>
    /// Issues the month's invoice (once; again returns the same) and returns its number; null when the statement has
    /// no session (it is closed all the same: a later session is invoiced alone).
    /// </summary>
    [Alias("Close")]
    Task<string?> Close();
}
