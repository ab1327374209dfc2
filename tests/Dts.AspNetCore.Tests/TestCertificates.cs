using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dts.AspNetCore.Tests;

/// <summary>
/// A throwaway control-channel certificate for n1 (self-signed, so it is its own CA) in a temporary directory laid out
/// as <see cref="TestConfig.Build"/>'s <c>certDir</c> expects: enough to construct the node's services.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("dts-cert-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=n1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        File.WriteAllText(Path.Combine(Directory, "ca.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(Directory, "n1.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(Directory, "n1.key"), key.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
