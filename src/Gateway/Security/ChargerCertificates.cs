using System.Security.Cryptography.X509Certificates;

namespace Charge.Gateway.Security;

/// <summary>OCPP Security Profile 3: chargers' client certificates, issued by the operator's certificate authority.</summary>
public static class ChargerCertificates
{
    /// <summary>The authority from its file (PEM or DER); null when none is configured.</summary>
    public static X509Certificate2? Authority(string path) =>
        path.Length == 0 ? null
        : File.Exists(path) ? X509CertificateLoader.LoadCertificateFromFile(path)
        : throw new InvalidOperationException($"Charge:Gateway:ChargerCertificateAuthorityPath '{path}' does not exist");

    /// <summary>Whether the certificate chains to the authority alone (not the machine's store) and is valid now.</summary>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // The operator's authority revokes by not issuing again and by decommissioning the charger here.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.Thumbprint == authority.Thumbprint;
    }

    /// <summary>The charger a client certificate names: its subject's common name.</summary>
    public static string ChargerOf(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
}
