using Charge.Gateway.Hosting;
using Charge.Silo;
using Charge.Tests;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;

namespace Charge.Host.Tests;

/// <summary>What a test needs to talk to a running gateway.</summary>
public abstract class GatewayFixture : IAsyncLifetime
{
    private readonly List<IHost> _hosts = [];

    /// <summary>The services of the host that serves the gateway (the last one started).</summary>
    public IServiceProvider GatewayServices => _hosts[^1].Services;

    /// <summary>The gateway's keys; hosts are started with its signing key.</summary>
    public TestSecurity Security { get; } = new();

    /// <summary>Calls carry the credential their caller would have (see <see cref="TestSecurity.Interceptor"/>).</summary>
    public CallInvoker Channel { get; private set; } = null!;

    /// <summary>Calls carry only the credentials the test gives them.</summary>
    public GrpcChannel RawChannel { get; private set; } = null!;

    /// <summary>Requests carry the credential their caller would have, unless the test sets one.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Requests carry only the credentials the test gives them.</summary>
    public HttpClient RawHttp { get; private set; } = null!;

    /// <summary>A charge point connection authenticated as the charger (registered on first use).</summary>
    public async Task<OcppClient> ConnectOcpp(string chargePointId) =>
        await OcppClient.ConnectAsync(OcppUri(chargePointId), await Security.ChargerAuthorization(RawChannel.CreateCallInvoker(), chargePointId));

    /// <summary>
    /// An OCPP 2.0.1 station's connection in strict mode: every answer to its CALLs and every CALL it receives is
    /// checked against the shipped 2.0.1 schemas (what it sends the gateway checks).
    /// </summary>
    public async Task<OcppClient> ConnectOcpp201(string chargePointId)
    {
        var client = await OcppClient.ConnectAsync(OcppUri(chargePointId), await Security.ChargerAuthorization(RawChannel.CreateCallInvoker(), chargePointId), "ocpp2.0.1");
        Assert.Equal("ocpp2.0.1", client.SubProtocol);
        return Strict201(client);
    }

    /// <summary>Checks every answer to the client's CALLs and every CALL it receives against the shipped 2.0.1 schemas.</summary>
    public static OcppClient Strict201(OcppClient client)
    {
        client.CheckAnswer = (action, json) => Charge.Gateway.Ocpp.OcppSchemas.Ocpp201.ResponseProblem(action, System.Text.Json.JsonDocument.Parse(json).RootElement);
        client.CheckCall = (action, json) => Charge.Gateway.Ocpp.OcppSchemas.Ocpp201.ProblemsOf(action, System.Text.Json.JsonDocument.Parse(json).RootElement) is { IsEmpty: false } problems
            ? problems[0].Message
            : null;
        return client;
    }

    public Uri OcppUri(string chargePointId) => new($"ws://{RawHttp.BaseAddress!.Authority}/ocpp/{chargePointId}");

    protected abstract IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort);

    public async Task InitializeAsync()
    {
        var ports = DevService.FreePorts(4);
        foreach (var host in BuildHosts(ports[0], ports[1], ports[2], ports[3]))
        {
            await host.StartAsync();
            _hosts.Add(host);
        }

        RawHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}") };
        RawChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}");
        Http = new HttpClient(new TestSecurity.Handler(Security, RawChannel.CreateCallInvoker)) { BaseAddress = RawHttp.BaseAddress };
        Channel = RawChannel.Intercept(new TestSecurity.Interceptor(Security, RawChannel.CreateCallInvoker));
    }

    public async Task DisposeAsync()
    {
        RawChannel.Dispose();
        Http.Dispose();
        RawHttp.Dispose();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }
    }

    protected string[] Args(int httpPort, int grpcPort, int siloPort, int gatewayPort, params string[] more) =>
    [
        $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{httpPort}",
        $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{grpcPort}",
        $"--Charge:Cluster:SiloPort={siloPort}",
        $"--Charge:Cluster:GatewayPort={gatewayPort}",
        $"--Charge:Cluster:ClusterId=test-{Guid.NewGuid():N}",
        "--Logging:LogLevel:Default=Warning",
        "--Charge:Storage:Provider=Memory",
        .. Security.HostArgs.Where(a => AcceptUnknownTags || a != TestSecurity.OpenNetwork),
        .. more,
    ];

    /// <summary>Whether unregistered id_tags may charge (tests about sessions use made-up tags); false: the default, Reject.</summary>
    protected virtual bool AcceptUnknownTags => true;
}

/// <summary>Only registered tags charge, and the seller's legal details are configured, as an operator who bills has them.</summary>
public sealed class SellerHostFixture : GatewayFixture
{
    public const string Seller = "Charge Networks B.V.";
    public const string SellerAddress = "Stationsplein 1, 3511 ED Utrecht, NLD";
    public const string SellerVatId = "NL001234567B01";

    protected override bool AcceptUnknownTags => false;

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort),
            $"--Charge:Billing:Seller={Seller}", $"--Charge:Billing:SellerAddress={SellerAddress}", $"--Charge:Billing:SellerVatId={SellerVatId}"]);
    }
}

/// <summary>The README's first command as shipped: only tags in the token registry may charge.</summary>
public sealed class RegistryHostFixture : GatewayFixture
{
    protected override bool AcceptUnknownTags => false;

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build(Args(httpPort, grpcPort, siloPort, gatewayPort));
    }
}

/// <summary>Only registered tags charge, and chargers' local lists hold the tags that may charge (Charge:Authorization:LocalList=Accepted).</summary>
public sealed class LocalListHostFixture : GatewayFixture
{
    protected override bool AcceptUnknownTags => false;

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build(Args(httpPort, grpcPort, siloPort, gatewayPort, "--Charge:Authorization:LocalList=Accepted"));
    }
}

/// <summary>The README's first command: one silo co-hosting the gateway.</summary>
public sealed class SingleHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build(Args(httpPort, grpcPort, siloPort, gatewayPort));
    }
}

/// <summary>The README's first command with a site's draw measured every second (the default is 30 s).</summary>
public sealed class MeasuredSitesHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build(Args(httpPort, grpcPort, siloPort, gatewayPort, "--Charge:Fleet:SiteMeasureEvery=00:00:01"));
    }
}

/// <summary>A silo without gateway, and the gateway as its own host connected to it as an Orleans client.</summary>
public sealed class SeparateGatewayFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        var args = Args(httpPort, grpcPort, siloPort, gatewayPort);
        yield return ChargeSiloHost.Build([.. args, "--Charge:Silo:HostGateway=false"]);
        yield return ChargeGatewayHost.Build(args);
    }
}

/// <summary>The single host with the running-cost display (California Pricing DataTransfer) switched on.</summary>
public sealed class RunningCostHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort), "--Charge:Ocpp:SendRunningCost=true"]);
    }
}

/// <summary>The single host with a deliberately low per-charger rate limit.</summary>
public sealed class RateLimitedHostFixture : GatewayFixture
{
    public const int PerSecond = 5;

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort),
            $"--Charge:RateLimit:PerChargerPerSecond={PerSecond}", $"--Charge:RateLimit:Burst={PerSecond}"]);
    }
}

/// <summary>The single host with a TLS listener (OCPP Security Profile 2) using a self-signed certificate made for the test.</summary>
public sealed class TlsHostFixture : GatewayFixture
{
    private readonly string _folder = Directory.CreateTempSubdirectory("charge-tls-").FullName;

    public int TlsPort { get; } = DevService.FreePorts(1)[0];

    public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; private set; } = null!;

    /// <summary>The authority that issues chargers' client certificates (OCPP Security Profile 3), with its key.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 ChargerAuthority { get; } = NewAuthority("CN=Charge test charger CA");

    /// <summary>An authority the gateway does not trust.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 OtherAuthority { get; } = NewAuthority("CN=Someone else's CA");

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 NewAuthority(string subject)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(
            System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign | System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A client certificate for <paramref name="chargerId"/> issued by <paramref name="authority"/>, with its private key.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 ClientCertificate(string chargerId, System.Security.Cryptography.X509Certificates.X509Certificate2 authority)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={chargerId}", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        using var withKey = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.CopyWithPrivateKey(issued, key);
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(withKey.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder, "gateway.pfx");
        File.WriteAllBytes(path, Certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test-password"));
        var authority = Path.Combine(_folder, "chargers-ca.cer");
        File.WriteAllBytes(authority, ChargerAuthority.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Cert));
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort),
            $"--Charge:Gateway:HttpsUrl=https://127.0.0.1:{TlsPort}", $"--Charge:Gateway:CertificatePath={path}", "--Charge:Gateway:CertificatePassword=test-password",
            $"--Charge:Gateway:ChargerCertificateAuthorityPath={authority}"]);
    }
}

/// <summary>The single host invoicing per id_tag per month.</summary>
public sealed class MonthlyBillingHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        // Sessions of past months (each test closes a month of its own, up to three back) are started now.
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort), "--Charge:Billing:InvoicePer=IdTagMonth",
            "--Charge:Sessions:MaxStartAge=130.00:00:00", "--Charge:Sessions:MaxSessionLength=130.00:00:00"]);
    }
}

/// <summary>
/// The single host for hostile-input tests: rate limits lifted (hundreds of bad calls come from one charger, and
/// each must be judged on its content, not throttled).
/// </summary>
public sealed class HostileInputHostFixture : GatewayFixture
{
    protected override IEnumerable<IHost> BuildHosts(int httpPort, int grpcPort, int siloPort, int gatewayPort)
    {
        yield return ChargeSiloHost.Build([.. Args(httpPort, grpcPort, siloPort, gatewayPort),
            "--Charge:RateLimit:PerChargerPerSecond=100000", "--Charge:RateLimit:Burst=100000"]);
    }
}
