using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Charge.Api.V1;
using Charge.Grains.Interfaces;
using Charge.Tests;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Charge.Cluster.Tests;

/// <summary>
/// A closed cluster: a silo and a gateway as processes with TLS on the Orleans ports and one cluster certificate.
/// The gateway (holding it) serves; an Orleans client without it, or with another certificate, cannot call a grain.
/// </summary>
public sealed class ClusterTlsTests(ITestOutputHelper output) : ProcessTest(output)
{
    private const string Password = "cluster-test";
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}"[..16];
    private readonly string _folder = Directory.CreateTempSubdirectory("charge-tls-").FullName;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static X509Certificate2 NewCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx, Password), Password);
    }

    private string Save(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    [Fact]
    public async Task A_client_without_the_cluster_certificate_cannot_call_a_grain_and_one_with_it_can()
    {
        var cluster = NewCertificate("orleans-charge-cluster");
        var path = Save(cluster, "cluster");
        var siloPorts = DevService.FreePorts(2);
        string[] common =
        [
            "--Charge:Cluster:Provider=Redis", $"--Charge:Cluster:RedisConnectionString={RedisService.ConnectionString}",
            $"--Charge:Cluster:ClusterId={_clusterId}", $"--Charge:Cluster:TlsCertificatePath={path}",
            $"--Charge:Cluster:TlsCertificatePassword={Password}", "--Logging:LogLevel:Default=Warning",
        ];
        Processes.Add(ChargeProcess.Start("silo", "Silo", "Charge.Silo",
        [
            "--Charge:Silo:HostGateway=false", $"--Charge:Cluster:SiloPort={siloPorts[0]}", $"--Charge:Cluster:GatewayPort={siloPorts[1]}",
            "--Charge:Storage:Provider=AzureBlob", $"--Charge:Storage:ConnectionString={AzuriteService.ConnectionString}", .. common,
        ]));
        var gatewayPorts = DevService.FreePorts(2);
        Processes.Add(ChargeProcess.Start("gateway", "Gateway", "Charge.Gateway",
        [
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{gatewayPorts[0]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{gatewayPorts[1]}",
            .. common, .. Security.HostArgs,
        ]));

        var raw = GrpcChannel.ForAddress($"http://127.0.0.1:{gatewayPorts[1]}");
        var sessions = new SessionService.SessionServiceClient(raw.Intercept(new TestSecurity.Interceptor(Security, raw.CreateCallInvoker)));
        var served = false;
        for (var i = 0; i < 240 && !served; i++)
        {
            try
            {
                await sessions.GetSessionAsync(new GetSessionRequest { SessionId = "probe~probe" });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                served = true;
            }
            catch (RpcException)
            {
                await Task.Delay(500);
            }
        }

        if (!served)
        {
            foreach (var p in Processes)
            {
                Output.WriteLine($"--- {p.Name}\n{p.Output}");
            }
        }

        Assert.True(served, "the gateway holding the cluster certificate serves through the TLS cluster");
        Assert.Equal(SessionStatus.None, await Call(certificate: cluster));
        await Assert.ThrowsAnyAsync<Exception>(() => Call(certificate: null, seconds: 8));
        await Assert.ThrowsAnyAsync<Exception>(() => Call(certificate: NewCertificate("intruder"), seconds: 8));
    }

    /// <summary>An Orleans client of the cluster's gateways, with or without a certificate, reading a session grain.</summary>
    private async Task<SessionStatus> Call(X509Certificate2? certificate, int seconds = 30)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Critical));
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = "orleans-charge";
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(RedisService.ConnectionString));
            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            if (certificate is not null)
            {
                client.UseTls(certificate, tls =>
                {
                    tls.LocalCertificate = certificate;
                    tls.AllowAnyRemoteCertificate();
                });
            }
        });
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await host.StartAsync(timeout.Token);
        try
        {
            var view = await host.Services.GetRequiredService<IClusterClient>().GetGrain<ISessionGrain>("probe~probe").GetView().WaitAsync(timeout.Token);
            return view.Status;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
