using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Charge.Gateway.Security;

/// <summary>Mints bearer tokens with the configured key: the first operator token, and tokens for tests and tools.</summary>
public static class TokenIssuer
{
    public static string Mint(JwtOptions options, SecurityKey key, string role, string subject, IEnumerable<string> idTags, TimeSpan lifetime,
        DateTime? now = null, string? customerId = null)
    {
        var claims = new List<Claim> { new("sub", subject), new(ChargeRoles.RoleClaim, role) };
        claims.AddRange(idTags.Select(tag => new Claim(ChargeRoles.IdTagClaim, tag)));
        if (customerId is not null)
        {
            claims.Add(new Claim(ChargeRoles.CustomerClaim, customerId));
        }
        var issuedAt = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
