using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dts.Testbed.Certificates;

/// <summary>Issues the per-run cluster PKI with <see cref="CertificateRequest"/> (ECDSA P-256, SHA-256).</summary>
internal static class CertificateFactory
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Writes CA, node and rogue PEM files for <paramref name="layout"/> into <paramref name="certificates"/>'s directory.</summary>
    public static void Generate(TestbedLayout layout, TestbedCertificates certificates)
    {
        Directory.CreateDirectory(certificates.Directory);
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa($"CN=Dts testbed CA {layout.RunId}", caKey, notBefore, notAfter);
        WriteCertificate(certificates.CaCertificatePath, ca);
        WriteKey(certificates.CaKeyPath, caKey);

        for (int i = 1; i <= layout.NodeCount; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var cert = CreateLeaf(TestbedLayout.NodeId(i), layout.NodeAddress(i), key, ca, notBefore, notAfter);
            WriteCertificate(certificates.NodeCertificatePath(i), cert);
            WriteKey(certificates.NodeKeyPath(i), key);
        }

        using var rogueCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogueCa = CreateCa($"CN=Dts rogue CA {layout.RunId}", rogueCaKey, notBefore, notAfter);
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogue = CreateLeaf(TestbedLayout.NodeId(1), layout.NodeAddress(1), rogueKey, rogueCa, notBefore, notAfter);
        WriteCertificate(certificates.RogueCaCertificatePath, rogueCa);
        WriteCertificate(certificates.RogueCertificatePath, rogue);
        WriteKey(certificates.RogueKeyPath, rogueKey);
    }

    private static X509Certificate2 CreateCa(string subject, ECDsa key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private static X509Certificate2 CreateLeaf(string nodeId, IPAddress address, ECDsa key, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest($"CN={nodeId}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeId);
        san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return request.Create(issuer, notBefore, notAfter, serial);
    }

    private static void WriteCertificate(string path, X509Certificate2 certificate) =>
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    private static void WriteKey(string path, ECDsa key)
    {
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
