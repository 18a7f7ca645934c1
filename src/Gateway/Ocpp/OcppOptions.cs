using System.ComponentModel.DataAnnotations;

namespace Charge.Gateway.Ocpp;

/// <summary>The OCPP 1.6J endpoint, bound from <c>Charge:Ocpp</c>.</summary>
public sealed class OcppOptions
{
    public const string Section = "Charge:Ocpp";

    /// <summary>Charge points connect to ws://host:port{PathPrefix}/{chargePointId}.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_-]*$")]
    public string PathPrefix { get; set; } = "/ocpp";

    /// <summary>A larger message is refused (OCPP messages are small; a queue of offline meter values stays well below this).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>The Heartbeat interval given to charge points in BootNotification.conf, in seconds.</summary>
    [Range(10, 86400)]
    public int HeartbeatIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// Send the running cost to charge points that can display it, as the OCA "California Pricing" DataTransfer
    /// (vendorId org.openchargealliance.costmsg: RunningCost after MeterValues, FinalCost after StopTransaction).
    /// Off by default: a charger without the extension would answer UnknownVendorId to every one.
    /// </summary>
    public bool SendRunningCost { get; set; }

    /// <summary>How long a command to a charge point (RemoteStartTransaction, Reset, ...) waits for its answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keeps charge points' local authorization lists in step with the token registry: after each BootNotification
    /// the charger is asked its list version (GetLocalListVersion), and after a boot or heartbeat it is sent what
    /// changed (SendLocalList). Chargers without the feature answer so once and are left alone.
    /// </summary>
    public bool LocalListSync { get; set; } = true;
}
