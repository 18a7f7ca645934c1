using System.Text;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Key-ordered paging for registries: the page token is the last key of the previous page, opaque to callers.</summary>
public static class Paging
{
    public const int DefaultSize = 100;
    public const int MaxSize = 500;

    public static int Size(int value, string field = "page_size") =>
        value == 0 ? DefaultSize
        : value is < 1 or > MaxSize ? throw Invalid($"{field} must be 1..{MaxSize} (0: {DefaultSize})")
        : value;

    /// <summary>The key the page starts after; null for the first page.</summary>
    public static string? After(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw Invalid("page_token is not a token this API gave out");
        }
    }

    /// <summary>One page of a key-ordered directory: its keys and the token of the next page (empty after the last).</summary>
    public static async Task<(string[] Keys, string NextToken)> Keys(
        Func<string?, int, Task<System.Collections.Immutable.ImmutableArray<string>>> list, int pageSize, string pageToken, string prefix = "")
    {
        var size = Size(pageSize);
        // Keys are listed in ordinal order: a prefix's keys are one run, starting after the longest key below it.
        var after = After(pageToken);
        if (prefix.Length > 0 && (after is null || string.CompareOrdinal(after, prefix) < 0))
        {
            after = prefix[..^1] + (char)(prefix[^1] - 1) + '\uffff';
        }

        var keys = (await list(after, size + 1)).TakeWhile(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        var page = keys.Take(size).ToArray();
        return (page, Next(page.LastOrDefault(), keys.Length > size));
    }

    /// <summary>The token for the page after one ending at <paramref name="lastKey"/>; empty when the page was the last.</summary>
    public static string Next(string? lastKey, bool more) =>
        more && lastKey is not null ? Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey)) : "";
}
