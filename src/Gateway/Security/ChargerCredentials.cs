using System.Security.Cryptography;
using System.Text;
using Charge.Grains.Interfaces;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Security;

/// <summary>
/// Chargers' secrets: generated at registration, stored only as SHA-256 in the charger grain, verified here with a
/// short cache so a charger's every request does not cost a grain call.
/// </summary>
public sealed class ChargerCredentials(IGrainFactory grains, IMemoryCache cache, IOptions<SecurityOptions> options)
{
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = Limits.MaxSecretLength;

    /// <summary>A new secret: 192 random bits, URL-safe (fits OCPP's AuthorizationKey and HTTP Basic).</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// A plain SHA-256 is enough for secrets of this strength (a slow password hash protects guessable passwords);
    /// operator-chosen secrets must be at least <see cref="MinSecretLength"/> characters.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Why a secret an operator chose is unacceptable, or null.</summary>
    public static string? Problem(string secret) =>
        secret.Length is < MinSecretLength or > MaxSecretLength
            ? $"secret must be {MinSecretLength} to {MaxSecretLength} characters"
            : secret.Any(c => c is < '!' or > '~')
                ? "secret must be printable ASCII without spaces"
                : null;

    public async Task<bool> Verify(string chargerId, string secret)
    {
        var hash = Hash(secret);
        var key = CacheKey(chargerId);
        if (cache.TryGetValue(key, out string? known) && known is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known), Encoding.ASCII.GetBytes(hash)))
        {
            return true;
        }

        // A charger never registered is refused by the directory (one grain, in memory), not by activating a grain
        // of that ID and reading its storage: invented IDs cost the cluster nothing.
        if (!await grains.GetGrain<IChargerDirectoryGrain>(IChargerDirectoryGrain.Key).Contains(chargerId)
            || !await grains.Reference<IChargerGrain>(chargerId).VerifyCredential(hash))
        {
            return false;
        }

        var ttl = options.Value.ChargerCredentialCacheSeconds;
        if (ttl > 0)
        {
            cache.Set(key, hash, TimeSpan.FromSeconds(ttl));
        }

        return true;
    }

    /// <summary>A registration through this gateway replaces the credential at once here (other gateways within the cache time).</summary>
    public void Forget(string chargerId) => cache.Remove(CacheKey(chargerId));

    private static string CacheKey(string chargerId) => $"charger-credential:{chargerId}";
}
