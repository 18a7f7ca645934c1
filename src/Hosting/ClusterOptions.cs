using System.ComponentModel.DataAnnotations;

namespace Charge.Hosting;

/// <summary>How silos find each other and clients find silos, bound from <c>Charge:Cluster</c>.</summary>
public sealed class ChargeClusterOptions
{
    public const string Section = "Charge:Cluster";

    /// <summary>"Localhost": one silo on this machine, no membership store (the embedded default). "Redis": membership in Redis, any number of silos.</summary>
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

    /// <summary>The address a silo advertises to the others (Redis provider); "auto": this host's first IPv4 address (containers).</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only the advertised address (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>Running in Kubernetes: endpoints, cluster and service IDs come from the pod (Microsoft.Orleans.Hosting.Kubernetes).</summary>
    public bool Kubernetes { get; set; }

    /// <summary>StackExchange.Redis configuration, e.g. "127.0.0.1:6379" (Redis provider).</summary>
    public string RedisConnectionString { get; set; } = "127.0.0.1:6379";

    /// <summary>How long a grain call may take before it fails; lower it to fail over faster.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Azure Storage connection string (AzureStorage provider: membership in a table of the account the grains use).</summary>
    public string? AzureStorageConnectionString { get; set; }

    /// <summary>
    /// TLS on the Orleans ports (silo-to-silo and client-to-silo), with one cluster certificate (PFX, from a secret)
    /// that every silo and gateway holds: a peer is admitted only with that certificate. Empty: plain TCP (the
    /// embedded default, bound to loopback).
    /// </summary>
    public string TlsCertificatePath { get; set; } = "";

    public string TlsCertificatePassword { get; set; } = "";

    public bool IsLocalhost => string.Equals(Provider, "Localhost", StringComparison.OrdinalIgnoreCase);

    public bool IsRedis => string.Equals(Provider, "Redis", StringComparison.OrdinalIgnoreCase);

    public bool IsAzureStorage => string.Equals(Provider, "AzureStorage", StringComparison.OrdinalIgnoreCase);

    public InvalidOperationException Unsupported() =>
        new($"Charge:Cluster:Provider '{Provider}' is not supported: use Localhost, Redis or AzureStorage");
}
