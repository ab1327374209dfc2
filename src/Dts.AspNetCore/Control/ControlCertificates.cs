using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Control;

/// <summary>
/// The cluster's mutual-TLS material: this node's certificate and the cluster CA that every peer's
/// certificate must chain to. A peer without such a certificate is refused on both ends.
/// </summary>
internal sealed class ControlCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;

    public ControlCertificates(IOptions<DtsOptions> options)
    {
        var c = options.Value.Certificates;
        _ca = X509CertificateLoader.LoadCertificateFromFile(c.CaPath);
        NodeCertificate = X509Certificate2.CreateFromPemFile(c.CertPath, c.KeyPath);
    }

    /// <summary>This node's certificate with its private key.</summary>
    public X509Certificate2 NodeCertificate { get; }

    /// <summary>True when <paramref name="peer"/> chains to the cluster CA (no system roots, no revocation lookups).</summary>
    public bool IsClusterPeer(X509Certificate? peer)
    {
        if (peer is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        var certificate = peer as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _ca.Dispose();
        NodeCertificate.Dispose();
    }
}
