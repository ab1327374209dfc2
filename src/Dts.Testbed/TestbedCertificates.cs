using System.Globalization;

namespace Dts.Testbed;

/// <summary>
/// PEM files of one run: a cluster CA, one certificate + PKCS#8 key per node (SAN = node IP and DNS name
/// <c>n1</c>…, EKU serverAuth + clientAuth, ECDSA P-256), and a "rogue" certificate for node 1's identity
/// signed by a different CA, for tests that an unauthenticated peer is refused.
/// </summary>
public sealed class TestbedCertificates
{
    internal TestbedCertificates(string directory)
    {
        Directory = directory;
    }

    /// <summary>The directory holding all PEM files.</summary>
    public string Directory { get; }

    /// <summary>The cluster CA certificate every node trusts.</summary>
    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");

    /// <summary>The cluster CA private key (for tests that issue more certificates).</summary>
    public string CaKeyPath => Path.Combine(Directory, "ca.key");

    /// <summary>The certificate of the CA that signed the rogue certificate (not trusted by the cluster).</summary>
    public string RogueCaCertificatePath => Path.Combine(Directory, "rogue-ca.crt");

    /// <summary>A certificate claiming node 1's identity (same SAN), signed by the rogue CA.</summary>
    public string RogueCertificatePath => Path.Combine(Directory, "rogue.crt");

    /// <summary>The key of <see cref="RogueCertificatePath"/>.</summary>
    public string RogueKeyPath => Path.Combine(Directory, "rogue.key");

    /// <summary>Certificate of node <paramref name="node"/> (1-based).</summary>
    public string NodeCertificatePath(int node) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"n{node}.crt"));

    /// <summary>Private key of node <paramref name="node"/> (1-based).</summary>
    public string NodeKeyPath(int node) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"n{node}.key"));
}
