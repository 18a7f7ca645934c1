using System.ComponentModel.DataAnnotations;

namespace Charge.Gateway.Security;

/// <summary>Who may call the gateway: JWT bearer tokens for apps and operators, registered credentials for chargers.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Charge:Security";

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>How long a gateway trusts a verified charger credential before asking the charger grain again (a rotation takes effect within this).</summary>
    [Range(0, 3600)]
    public int ChargerCredentialCacheSeconds { get; set; } = 30;
}

/// <summary>How bearer tokens are validated.</summary>
public sealed class JwtOptions
{
    [Required]
    public string Issuer { get; set; } = "orleans-charge";

    [Required]
    public string Audience { get; set; } = "orleans-charge";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes shared by every gateway (from the environment or a secret store, never the repository).</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer whose published keys validate tokens instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Neither key nor authority configured (the embedded default): the key is kept in this file, created on first
    /// use; relative to the repository root when there is one.
    /// </summary>
    public string DevKeyFile { get; set; } = ".data/jwt-signing-key";

    /// <summary>Tolerance for clock differences when checking a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}
