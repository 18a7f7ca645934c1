using System.ComponentModel.DataAnnotations;

namespace Charge.Gateway.Hosting;

/// <summary>Where the gateway listens, bound from <c>Charge:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Charge:Gateway";

    /// <summary>REST (JSON transcoding), dashboard and, later, OCPP WebSockets: HTTP/1.1.</summary>
    [Required]
    public string HttpUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>gRPC: HTTP/2 cleartext (prior knowledge).</summary>
    [Required]
    public string GrpcUrl { get; set; } = "http://127.0.0.1:5081";

    /// <summary>
    /// Optional TLS endpoint (https://IP:port) for REST, gRPC and OCPP over wss (OCPP 1.6 Security Profile 2), with
    /// the server certificate in <see cref="CertificatePath"/> (PFX/PKCS#12). Empty: no TLS listener.
    /// </summary>
    public string HttpsUrl { get; set; } = "";

    public string CertificatePath { get; set; } = "";

    /// <summary>From the environment or a secret store, like every secret.</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>
    /// OCPP Security Profile 3 (optional): the certificate authority (PEM or DER file) that issues chargers' client
    /// certificates. Set, the TLS listener accepts a client certificate that chains to it, and the certificate's
    /// subject CN is the charger's identity (a registered, not decommissioned charger); Basic credentials (Profile 2)
    /// keep working beside it. Empty: no client certificates.
    /// </summary>
    public string ChargerCertificateAuthorityPath { get; set; } = "";

    /// <summary>How long StopSession waits for the session's record to be fixed before answering with it still stopping.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StopWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a WatchSession call renews its registration with the session grain. A renewal also re-registers
    /// with a new activation after a silo died, so this bounds how long a live view can freeze in a fail-over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WatchRenewal { get; set; } = TimeSpan.FromSeconds(5);
}
