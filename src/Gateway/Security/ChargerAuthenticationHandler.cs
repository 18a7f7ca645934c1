using Charge.Grains.Interfaces;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Charge.Gateway.Services;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Charge.Gateway.Security;

/// <summary>
/// Chargers authenticate with HTTP Basic "chargerId:secret": on gRPC calls as the authorization metadata entry, on
/// the OCPP WebSocket upgrade as OCPP Security Profile 1/2 prescribes (the username is the charge point identity).
/// With Profile 3 configured, a client certificate the TLS handshake accepted (it chains to the chargers' authority)
/// names the charger by its subject CN instead; the charger must be registered and not decommissioned.
/// </summary>
public sealed class ChargerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ChargerCredentials credentials, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ChargerBasic";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Context.Connection.ClientCertificate is { } certificate ? await ByCertificate(certificate) : AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return Fail("Basic credentials are not base64");
        }

        var colon = decoded.IndexOf(':');
        if (colon <= 0)
        {
            return Fail("Basic credentials must be chargerId:secret");
        }

        var chargerId = decoded[..colon];
        try
        {
            RequestValidation.Id(chargerId, "charger ID");
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.InvalidArgument)
        {
            return Fail(e.Message);
        }

        if (!await credentials.Verify(chargerId, decoded[(colon + 1)..]))
        {
            return Fail("unknown charger or wrong secret");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ChargeRoles.ChargerIdClaim, chargerId), new Claim(ChargeRoles.RoleClaim, ChargeRoles.Charger)],
            SchemeName, ChargeRoles.ChargerIdClaim, ChargeRoles.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Profile 3: the certificate was checked in the handshake; its CN must be a charger in service.</summary>
    private async Task<AuthenticateResult> ByCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var chargerId = ChargerCertificates.ChargerOf(certificate);
        try
        {
            RequestValidation.Id(chargerId, "the certificate's CN");
            var view = await grains.GetGrain<IChargerGrain>(chargerId).GetView();
            if (!view.Registered || view.DecommissionedAt is not null)
            {
                return Fail($"charger '{chargerId}' of the client certificate is not registered or was decommissioned");
            }
        }
        catch (ChargeException e) when (e.Kind is ChargeErrorKind.InvalidArgument or ChargeErrorKind.NotFound)
        {
            return Fail($"the client certificate names no registered charger: {e.Message}");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ChargeRoles.ChargerIdClaim, chargerId), new Claim(ChargeRoles.RoleClaim, ChargeRoles.Charger)],
            SchemeName, ChargeRoles.ChargerIdClaim, ChargeRoles.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string why)
    {
        Context.Items[SecurityHostingExtensions.AuthenticationFailure] = why;
        return AuthenticateResult.Fail(why);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans.Charge\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }
}
