namespace Dts.Testbed.Configuration;

/// <summary><see cref="DtsSection.Certificates"/> (Dts.AspNetCore's <c>DtsCertificateOptions</c>): PEM file paths.</summary>
/// <param name="CaPath">The cluster CA's certificate.</param>
/// <param name="CertPath">This node's certificate (client and server auth).</param>
/// <param name="KeyPath">This node's private key.</param>
internal sealed record DtsSectionCertificates(string CaPath, string CertPath, string KeyPath);
