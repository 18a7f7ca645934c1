using System.Net;
using System.Net.Http.Headers;
using Charge.Api.V1;
using Charge.Tests;

namespace Charge.Host.Tests;

/// <summary>
/// The console's sign-in is the API's authorization in a cookie: only operators get one, the API takes it only with
/// the console's header (so a link or form from another site cannot use it), and a forged or tampered cookie is
/// refused as its token would be.
/// </summary>
public sealed class ConsoleSignInTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private const string Header = "X-Charge-Console";

    [Fact]
    public async Task Only_an_operator_token_signs_in_and_the_cookie_is_http_only_and_same_site_strict()
    {
        using var client = Client();
        var driver = await Send(client, HttpMethod.Post, "/console/session", bearer: host.Security.Token("driver", "d-1", ["RFID-1"]));
        Assert.Equal(HttpStatusCode.Forbidden, driver.StatusCode);
        Assert.False(driver.Headers.Contains("Set-Cookie"));

        var chargerId = TestIds.New("CSEC");
        var registered = await new ChargerService.ChargerServiceClient(host.Channel).RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1 });
        using var asCharger = new HttpRequestMessage(HttpMethod.Post, "/console/session");
        asCharger.Headers.Authorization = AuthenticationHeaderValue.Parse(TestSecurity.Basic(chargerId, registered.Secret));
        var charger = await client.SendAsync(asCharger);
        Assert.Contains(charger.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
        Assert.False(charger.Headers.Contains("Set-Cookie"));

        var nobody = await Send(client, HttpMethod.Post, "/console/session");
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);

        var signIn = await Send(client, HttpMethod.Post, "/console/session", bearer: host.Security.OperatorToken);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("charge_console=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_cookie_works_only_with_the_console_header_so_another_site_cannot_act_with_it()
    {
        using var client = Client();
        var cookie = await SignIn(client, host.Security.OperatorToken);
        // A session to attack: running, on a registered charger.
        var chargerId = TestIds.New("CSRF");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        var station = new StationService.StationServiceClient(host.Channel);
        var started = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = "RFID-CSRF", MeterStartWh = 0,
            Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-5)),
        });

        // What a cross-site form or link sends: the cookie, no header. Refused, and nothing changes.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: cookie)).StatusCode);
        var forged = await Send(client, HttpMethod.Post, $"/v1/sessions/{started.SessionId}:forceClose", cookie: cookie, body: "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var session = await new SessionService.SessionServiceClient(host.Channel).GetSessionAsync(new GetSessionRequest { SessionId = started.SessionId });
        Assert.Equal(SessionState.Active, session.State);

        // The console itself: cookie and header.
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: cookie, console: true)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, "/console/session", cookie: cookie, console: true)).StatusCode);
        // Signing in again from a console already signed in (the cookie, no bearer header) renews the same cookie.
        var again = await Send(client, HttpMethod.Post, "/console/session", cookie: cookie, console: true);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(cookie, again.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        // Printable documents open as pages (GET, no header): the cookie is enough there, and only there.
        var missing = await Send(client, HttpMethod.Get, "/documents/invoices/INV-0000-000000", cookie: cookie);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Get, "/orleans/", cookie: cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/orleans/")).StatusCode);
    }

    [Fact]
    public async Task A_forged_or_tampered_cookie_is_refused_as_its_token_would_be()
    {
        using var client = Client();
        // A driver's token put in the cookie by hand: authenticated, but not an operator.
        var driverCookie = $"charge_console={host.Security.Token("driver", "d-2", ["RFID-2"])}";
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: driverCookie, console: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(client, HttpMethod.Get, "/console/session", cookie: driverCookie, console: true)).StatusCode);
        // An operator token signed with another key, and one whose signature was cut.
        var foreign = $"charge_console={host.Security.Token("operator", "mallory", [], key: Convert.ToBase64String(new byte[32]))}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: foreign, console: true)).StatusCode);
        var token = host.Security.OperatorToken;
        var cut = $"charge_console={token[..token.LastIndexOf('.')]}.";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: cut, console: true)).StatusCode);
        // An expired operator token.
        var expired = $"charge_console={host.Security.Token("operator", "old", [], lifetime: TimeSpan.FromMinutes(-10))}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/v1/chargers", cookie: expired, console: true)).StatusCode);
    }

    [Fact]
    public async Task Signing_out_clears_the_cookie()
    {
        using var client = Client();
        await SignIn(client, host.Security.OperatorToken);
        var signOut = await Send(client, HttpMethod.Delete, "/console/session", console: true);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        var cleared = Assert.Single(signOut.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("charge_console=;", cleared, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_driver_who_opens_the_console_is_told_it_is_for_operators_and_sees_nothing()
    {
        await using var console = await ConsoleBrowser.Open(420);
        await console.SignIn(host.RawHttp.BaseAddress!, host.Security.Token("driver", "d-3", ["RFID-3"]));
        await console.Page.WaitForSelectorAsync("#login-error:not([hidden])");
        Assert.Contains("operators only", await console.Page.InnerTextAsync("#login-error"));
        Assert.Equal(0, await console.Page.Locator("#main > *").CountAsync());
        Assert.True(await console.Page.IsHiddenAsync("#sign-out"));
        Assert.Empty(await console.Context.CookiesAsync());
    }

    private HttpClient Client() =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.RawHttp.BaseAddress };

    private static async Task<string> SignIn(HttpClient client, string token)
    {
        var response = await Send(client, HttpMethod.Post, "/console/session", bearer: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? bearer = null, string? cookie = null, bool console = false, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (console)
        {
            request.Headers.Add(Header, "1");
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
