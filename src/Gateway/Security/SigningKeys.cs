using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Charge.Gateway.Security;

/// <summary>The HMAC key that signs and validates bearer tokens: configured, or the embedded default's key file.</summary>
public static class SigningKeys
{
    public const int MinKeyBytes = 32;

    /// <summary>The key, or null when tokens come from an OpenID Connect authority.</summary>
    public static SymmetricSecurityKey? Resolve(JwtOptions options, Action<string>? warn = null)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return FromBase64(options.SigningKey, "Charge:Security:Jwt:SigningKey");
        }

        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            return null;
        }

        var path = DevKeyPath(options);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var fresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinKeyBytes));
            File.WriteAllText(path, fresh);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        warn?.Invoke($"Bearer tokens are signed with the development key in {path}; set Charge:Security:Jwt:SigningKey (or Authority) in production.");
        return FromBase64(File.ReadAllText(path).Trim(), path);
    }

    public static string DevKeyPath(JwtOptions options)
    {
        if (Path.IsPathRooted(options.DevKeyFile))
        {
            return options.DevKeyFile;
        }

        // The repository root when running from a checkout (every process of the embedded default shares one key).
        return Charge.Hosting.RepositoryLocation.Root() is { } root
            ? Path.Combine(root, options.DevKeyFile)
            : Path.GetFullPath(options.DevKeyFile);
    }

    private static SymmetricSecurityKey FromBase64(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} must be base64");
        }

        return bytes.Length >= MinKeyBytes
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException($"{source} must hold at least {MinKeyBytes} bytes (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)");
    }
}
