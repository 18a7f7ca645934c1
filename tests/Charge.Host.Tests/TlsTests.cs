using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Grpc.Net.Client;

namespace Charge.Host.Tests;

/// <summary>OCPP Security Profile 2 and gRPC over TLS: the same credentials, on an encrypted connection.</summary>
public sealed class TlsTests(TlsHostFixture host) : IClassFixture<TlsHostFixture>
{
    private bool TrustTestCertificate(object? sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == host.Certificate.GetCertHashString();

    [Fact]
    public async Task A_charge_point_boots_over_wss_with_basic_authentication()
    {
        var cp = $"TLS-{Guid.NewGuid():N}"[..20];
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.RemoteCertificateValidationCallback = TrustTestCertificate;
        socket.Options.SetRequestHeader("Authorization", await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp));
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{host.TlsPort}/ocpp/{cp}"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""[2,"1","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"TLS"}]"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var reply = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!.AsArray();

        Assert.Equal(3, reply[0]!.GetValue<int>());
        Assert.Equal("Accepted", reply[2]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Grpc_and_rest_work_over_tls_with_a_token()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.GetCertHashString() == host.Certificate.GetCertHashString() };
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{host.TlsPort}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var tariffs = await new TariffService.TariffServiceClient(channel).ListTariffsAsync(new ListTariffsRequest(),
            TestSecurity.Header(TestSecurity.Bearer(host.Security.OperatorToken)));
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri($"https://127.0.0.1:{host.TlsPort}") };
        using var anonymous = await http.GetAsync("/v1/tariffs");

        Assert.NotNull(tariffs);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<ClientWebSocket> ConnectWithCertificate(string chargerId, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string path)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0.1");
        socket.Options.RemoteCertificateValidationCallback = TrustTestCertificate;
        socket.Options.ClientCertificates.Add(certificate);
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{host.TlsPort}/ocpp/{path}"), CancellationToken.None);
        return socket;
    }

    [Fact]
    public async Task Security_profile_3_a_station_with_a_certificate_from_the_chargers_authority_connects_without_a_password()
    {
        var cp = TestIds.New("P3");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        using var socket = await ConnectWithCertificate(cp, TlsHostFixture.ClientCertificate(cp, host.ChargerAuthority), cp);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""[2,"1","BootNotification",{"reason":"PowerUp","chargingStation":{"vendorName":"Acme","model":"P3"}}]"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var reply = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!.AsArray();

        Assert.Equal("ocpp2.0.1", socket.SubProtocol);
        Assert.Equal((3, "Accepted"), (reply[0]!.GetValue<int>(), reply[2]!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Security_profile_3_refuses_a_foreign_authority_an_unregistered_name_and_another_chargers_path()
    {
        var cp = TestIds.New("P3");
        var other = TestIds.New("P3");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), other);

        // Issued by an authority the gateway does not trust: the TLS handshake ends.
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectWithCertificate(cp, TlsHostFixture.ClientCertificate(cp, host.OtherAuthority), cp));
        // A good authority naming a charger that is not registered: 401.
        var stranger = TestIds.New("P3");
        using var unregistered = Socket(TlsHostFixture.ClientCertificate(stranger, host.ChargerAuthority));
        await Assert.ThrowsAnyAsync<WebSocketException>(() => unregistered.ConnectAsync(new Uri($"wss://127.0.0.1:{host.TlsPort}/ocpp/{stranger}"), CancellationToken.None));
        // A charger's own certificate used on another charger's path: 403.
        using var wrongPath = Socket(TlsHostFixture.ClientCertificate(cp, host.ChargerAuthority));
        await Assert.ThrowsAnyAsync<WebSocketException>(() => wrongPath.ConnectAsync(new Uri($"wss://127.0.0.1:{host.TlsPort}/ocpp/{other}"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, unregistered.HttpStatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongPath.HttpStatusCode);
    }

    private ClientWebSocket Socket(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0.1");
        socket.Options.RemoteCertificateValidationCallback = TrustTestCertificate;
        socket.Options.ClientCertificates.Add(certificate);
        socket.Options.CollectHttpResponseDetails = true;
        return socket;
    }
}
