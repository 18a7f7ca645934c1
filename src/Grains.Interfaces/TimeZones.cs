namespace Charge.Grains.Interfaces;

/// <summary>
/// Time zones are IANA names, written canonically (as the tz database spells them): "utc", "europe/berlin" or a
/// Windows name are refused with the name to use, not silently mapped, so a stored zone is always the one a
/// reader sees.
/// </summary>
public static class TimeZones
{
    /// <summary>What is wrong with a zone ID, or null when it is a canonical IANA name this machine knows.</summary>
    public static string? Problem(string? id, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            return $"{field} is required (an IANA name such as Europe/Amsterdam)";
        }

        if (id.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            var like = id.Length > 64 ? null : TimeZoneInfo.GetSystemTimeZones().FirstOrDefault(z => string.Equals(z.Id, id, StringComparison.OrdinalIgnoreCase));
            return like is not null
                ? $"{field} '{id}' is not written as the IANA name is: use '{like.Id}'"
                : $"{field} '{Shown(id)}' is not a known IANA time zone (e.g. Europe/Amsterdam)";
        }

        if (!zone.HasIanaId)
        {
            return TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana)
                ? $"{field} '{id}' is a Windows zone name: use the IANA name '{iana}'"
                : $"{field} '{id}' is not an IANA time zone";
        }

        return zone.Id != id ? $"{field} '{id}' is not written as the IANA name is: use '{zone.Id}'" : null;
    }

    private static string Shown(string id) => id.Length > 64 ? id[..64] + "…" : id;
}
