using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Charge.Hosting;

/// <summary>
/// The closed cluster: TLS with mutual authentication on every Orleans connection. All members hold the same cluster
/// certificate; a peer is admitted only when it presents exactly that certificate (pinned by thumbprint), so a
/// client without it can neither join nor call a grain.
/// </summary>
public static class ClusterTls
{
    /// <summary>The cluster certificate, or null when TLS is not configured.</summary>
    public static X509Certificate2? Certificate(ChargeClusterOptions options)
    {
        if (options.TlsCertificatePath.Length == 0)
        {
            return null;
        }

        if (!File.Exists(options.TlsCertificatePath))
        {
            throw new InvalidOperationException($"Charge:Cluster:TlsCertificatePath '{options.TlsCertificatePath}' does not exist");
        }

        return X509CertificateLoader.LoadPkcs12FromFile(options.TlsCertificatePath, options.TlsCertificatePassword);
    }

    public static void Configure(TlsOptions tls, X509Certificate2 certificate)
    {
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && string.Equals(remote.Thumbprint, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
    }
}
