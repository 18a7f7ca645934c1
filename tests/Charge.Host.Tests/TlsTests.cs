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
}
