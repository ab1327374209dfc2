namespace Dts.AspNetCore;

/// <summary>
/// The control channel's mutual-TLS material, as PEM files: every node presents its own certificate and
/// accepts only peers whose certificate chains to the cluster CA.
/// </summary>
public sealed class DtsCertificateOptions
{
    /// <summary>The cluster CA certificate (PEM).</summary>
    public string CaPath { get; set; } = "";

    /// <summary>This node's certificate (PEM), signed by the cluster CA, usable for client and server auth.</summary>
    public string CertPath { get; set; } = "";

    /// <summary>This node's private key (PEM).</summary>
    public string KeyPath { get; set; } = "";
}
