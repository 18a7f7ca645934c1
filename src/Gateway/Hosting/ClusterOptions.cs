using System.ComponentModel.DataAnnotations;

namespace Charge.Gateway.Hosting;

/// <summary>How silos find each other and clients find silos, bound from <c>Charge:Cluster</c>.</summary>
public sealed class ChargeClusterOptions
{
    public const string Section = "Charge:Cluster";

    /// <summary>"Localhost": one machine, no membership store (the embedded default).</summary>
    [Required]
    public string Provider { get; set; } = "Localhost";

    [Required]
    public string ClusterId { get; set; } = "charge-dev";

    [Required]
    public string ServiceId { get; set; } = "orleans-charge";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port silos accept Orleans clients (gateways) on.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    public bool IsLocalhost => string.Equals(Provider, "Localhost", StringComparison.OrdinalIgnoreCase);
}
