namespace Charge.Grains.Interfaces;

/// <summary>
/// Session IDs are namespaced by charger: "{chargerId}~{local}", where local is the station's own session ID, one
/// the server assigns, or the OCPP transaction ID. '~' never occurs in a charger ID, so no charger can take an ID
/// another charger's sessions will need.
/// </summary>
public static class SessionIds
{
    public const char Separator = '~';

    /// <summary>The full ID of a charger's session given its local ID, or its full ID (which must be the charger's own).</summary>
    public static string Of(string chargerId, string sessionId)
    {
        var at = sessionId.IndexOf(Separator);
        if (at < 0)
        {
            return $"{chargerId}{Separator}{sessionId}";
        }

        return at == chargerId.Length && sessionId.StartsWith(chargerId, StringComparison.Ordinal)
            ? sessionId
            : throw ChargeException.NotFound($"charger '{chargerId}' has no session '{sessionId}': session IDs with '{Separator}' belong to the charger named before it");
    }

    /// <summary>The charger a full session ID belongs to, or null when the ID is not namespaced.</summary>
    public static string? ChargerOf(string sessionId)
    {
        var at = sessionId.IndexOf(Separator);
        return at > 0 ? sessionId[..at] : null;
    }

    /// <summary>
    /// A local session ID the server makes for a station that gave none: the UTC date and 8 random base-32 characters
    /// ("S261207-7K3M9QX2", 16 characters): short enough for a phone's table and, with most charger IDs, for OCPI's
    /// 36-character session_id; 40 random bits keep two of one charger's sessions of a day apart.
    /// </summary>
    public static string NewLocal(DateTime utcNow)
    {
        Span<byte> random = stackalloc byte[5];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        return $"S{utcNow:yyMMdd}-{Base32(random, 8)}";
    }

    // Crockford's base32: no I, L, O or U, so an ID read aloud or typed from a screen is not misread.
    private const string Base32Digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The first <paramref name="length"/> base-32 digits (Crockford's alphabet) of <paramref name="bytes"/>, most significant bit first.</summary>
    public static string Base32(ReadOnlySpan<byte> bytes, int length)
    {
        if (length * 5 > bytes.Length * 8)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"{bytes.Length} bytes hold at most {bytes.Length * 8 / 5} base-32 digits");
        }

        Span<char> digits = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            var bit = i * 5;
            var pair = bytes[bit / 8] << 8 | (bit / 8 + 1 < bytes.Length ? bytes[bit / 8 + 1] : 0);
            digits[i] = Base32Digits[pair >> (11 - bit % 8) & 31];
        }

        return new string(digits);
    }

    /// <summary>The local part of one of <paramref name="chargerId"/>'s session IDs (an OCPP 2.0.1 transaction's own ID); null when it is not the charger's.</summary>
    public static string? LocalOf(string chargerId, string sessionId) =>
        sessionId.Length > chargerId.Length + 1 && sessionId.StartsWith(chargerId, StringComparison.Ordinal) && sessionId[chargerId.Length] == Separator
            ? sessionId[(chargerId.Length + 1)..]
            : null;

    /// <summary>The session of an OCPP transaction of a charge point.</summary>
    public static string OfTransaction(string chargePointId, int transactionId) => $"{chargePointId}{Separator}{transactionId}";

    /// <summary>The OCPP transaction a session of <paramref name="chargePointId"/> stands for, or null when it was not started over OCPP.</summary>
    public static int? TransactionOf(string chargePointId, string sessionId) =>
        sessionId.Length > chargePointId.Length + 1 && sessionId.StartsWith(chargePointId, StringComparison.Ordinal) && sessionId[chargePointId.Length] == Separator
        && int.TryParse(sessionId.AsSpan(chargePointId.Length + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var tx)
            ? tx
            : null;
}
