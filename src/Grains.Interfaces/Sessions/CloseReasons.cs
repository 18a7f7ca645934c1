using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>Why a session is closed without the charger's own stop: the energy is always its last accepted register.</summary>
public static class CloseReasons
{
    /// <summary>An operator closed a session whose charger will not stop it (a zombie).</summary>
    public const string ForceClosed = "ForceClosed";

    /// <summary>A new start on the same connector: the charger's stop of the old one was lost.</summary>
    public const string Superseded = "Superseded";

    /// <summary>No reading, status or heartbeat for the configured time.</summary>
    public const string Abandoned = "Abandoned";

    /// <summary>Still running at the longest a session may last (Charge:Sessions:MaxSessionLength).</summary>
    public const string MaxLengthReached = "MaxLengthReached";
}
