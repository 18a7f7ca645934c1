using System.Diagnostics;

namespace Charge.Grains.Interfaces;

/// <summary>
/// The names operators find Orleans.Charge's telemetry under: one meter per area, one activity source, and the
/// attributes that tie a span or a log line to its charger and session.
/// </summary>
public static class ChargeTelemetry
{
    /// <summary>Readings accepted, rejected (per transport) and anomalous.</summary>
    public const string ReadingsMeter = "Charge.Readings";

    /// <summary>Sessions started, completed and active.</summary>
    public const string SessionsMeter = "Charge.Sessions";

    /// <summary>OCPP charge points connected, and commands to chargers (round trips and outcomes).</summary>
    public const string ChargersMeter = "Charge.Chargers";

    /// <summary>Time spent pricing (live cost, final price).</summary>
    public const string PricingMeter = "Charge.Pricing";

    /// <summary>Grain state and reading-log writes: latency and failures.</summary>
    public const string StorageMeter = "Charge.Storage";

    /// <summary>Invoices issued.</summary>
    public const string BillingMeter = "Charge.Billing";

    /// <summary>Each limited site's measured draw against its limit in force, and whether it is above it.</summary>
    public const string SitesMeter = "Charge.Sites";

    public static readonly string[] Meters = [ReadingsMeter, SessionsMeter, ChargersMeter, PricingMeter, StorageMeter, BillingMeter, SitesMeter];

    /// <summary>Spans of our own (an OCPP message, a storage write); the grain calls' spans are Orleans'.</summary>
    public const string SourceName = "Charge";

    public static readonly ActivitySource Source = new(SourceName);

    public const string ChargerIdTag = "charge.charger_id";

    public const string SessionIdTag = "charge.session_id";

    /// <summary>grpc, rest or ocpp.</summary>
    public const string TransportTag = "charge.transport";

    /// <summary>Tags the current span (the grain call's, or the request's) with the charger and session it is about.</summary>
    public static void Tag(string chargerId, string? sessionId = null)
    {
        if (Activity.Current is { IsAllDataRequested: true } current)
        {
            current.SetTag(ChargerIdTag, chargerId);
            if (sessionId is not null)
            {
                current.SetTag(SessionIdTag, sessionId);
            }
        }
    }
}
