namespace Dts.AspNetCore;

/// <summary>
/// The <c>Dts:Etcd</c> section: how a node reaches the etcd cluster that holds the membership
/// (<see cref="DtsMembershipMode.Etcd"/>). etcd v3 API over gRPC (etcd.io/docs/v3.4/learning/api).
/// </summary>
public sealed class DtsEtcdOptions
{
    /// <summary>
    /// The etcd members' client URLs, e.g. <c>http://198.18.0.1:2379</c>; <c>https://</c> URLs use TLS with
    /// <see cref="CaFile"/> (and client authentication with <see cref="CertFile"/>/<see cref="KeyFile"/>). At least one.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>The key prefix of this cluster's membership (default <c>/dts/</c>); the member keys are <c>{Prefix}members/{NodeId}</c>.</summary>
    public string Prefix { get; set; } = "/dts/";

    /// <summary>
    /// The member lease's TTL (default 2 s; whole seconds, at least 1 s — etcd grants leases in seconds and may round
    /// a short one up to its minimum, 1.5 × the election timeout). A node that dies leaves the membership within it.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one etcd call may take before it counts as failed (default 1 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PEM file of the CA that signed the etcd members' server certificates (for <c>https://</c> endpoints).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate presented to etcd (<c>--client-cert-auth</c>); with <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }
}
