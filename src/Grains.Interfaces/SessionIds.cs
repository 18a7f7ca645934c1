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

    /// <summary>The session of an OCPP transaction of a charge point.</summary>
    public static string OfTransaction(string chargePointId, int transactionId) => $"{chargePointId}{Separator}{transactionId}";

    /// <summary>The OCPP transaction a session of <paramref name="chargePointId"/> stands for, or null when it was not started over OCPP.</summary>
    public static int? TransactionOf(string chargePointId, string sessionId) =>
        sessionId.Length > chargePointId.Length + 1 && sessionId.StartsWith(chargePointId, StringComparison.Ordinal) && sessionId[chargePointId.Length] == Separator
        && int.TryParse(sessionId.AsSpan(chargePointId.Length + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var tx)
            ? tx
            : null;
}
