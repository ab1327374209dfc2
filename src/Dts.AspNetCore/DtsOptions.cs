using Dts.Core.Handover;

namespace Dts.AspNetCore;

/// <summary>
/// The <c>Dts</c> configuration section: this node's place in the cluster. Routes and clusters are not
/// here; they are YARP's standard <c>ReverseProxy</c> section, whose destinations name a node through
/// <c>Metadata</c> <c>"Dts.Node": "n2"</c>.
/// </summary>
public sealed class DtsOptions
{
    /// <summary>The configuration section name, <c>Dts</c>.</summary>
    public const string SectionName = "Dts";

    /// <summary>This node's id; must be one of <see cref="Nodes"/>.</summary>
    public string NodeId { get; set; } = "";

    /// <summary>The virtual IP address every node shares, e.g. <c>198.18.0.100</c>.</summary>
    public string Vip { get; set; } = "";

    /// <summary>The HTTP port on the VIP and on each node's unicast address (default 80).</summary>
    public int Port { get; set; } = 80;

    /// <summary>The control-channel port (gRPC over mutual TLS) on each node's unicast address (default 7443).</summary>
    public int ControlPort { get; set; } = 7443;

    /// <summary>
    /// The management port on this node's unicast address (default 9090): <c>/dts/*</c> (health, stats, peers) and
    /// whatever the app maps with <c>RequireDtsManagement()</c> (e.g. <c>/metrics</c>) are served there and only there,
    /// never on the VIP and never on <see cref="Port"/> (the fallback proxy's). Must differ from <see cref="Port"/> and
    /// <see cref="ControlPort"/>.
    /// </summary>
    public int ManagementPort { get; set; } = 9090;

    /// <summary>
    /// When true, responses carry <c>X-Dts-Node</c> (the node that served), <c>X-Dts-Origin</c> (on a handed-over
    /// connection, the node that accepted it) and <c>X-Dts-Proxied-By</c> (on a response the origin forwarded);
    /// default false: a cluster's internals are not shown to clients.
    /// </summary>
    public bool ResponseHeaders { get; set; }

    /// <summary>The handover mechanism of the whole cluster (default <see cref="HandoverMechanism.Repair"/>).</summary>
    public HandoverMechanism Mechanism { get; set; } = HandoverMechanism.Repair;

    /// <summary>The jhash seed of the bucket hash; must be the same on every node.</summary>
    public uint HashSeed { get; set; }

    /// <summary>
    /// B, the number of buckets (default 256, 1–65536; the same on every node): a client's bucket is
    /// <c>jhash(client address . client port) mod B</c>, and each bucket's SYNs are answered by one live node
    /// (<see cref="Core.Ownership.BucketAssignment"/>).
    /// </summary>
    public int Buckets { get; set; } = Core.Ownership.BucketAssignment.DefaultBuckets;

    /// <summary>Where the node learns which nodes are alive (default <see cref="DtsMembershipMode.Static"/>).</summary>
    public DtsMembershipMode Membership { get; set; } = DtsMembershipMode.Static;

    /// <summary>The etcd cluster holding the membership, when <see cref="Membership"/> is <see cref="DtsMembershipMode.Etcd"/>.</summary>
    public DtsEtcdOptions Etcd { get; set; } = new();

    /// <summary>Every node that may be a member of the cluster (ids unique); the order does not matter.</summary>
    public IReadOnlyList<DtsNodeOptions> Nodes { get; init; } = [];

    /// <summary>Control-channel certificates (PEM files).</summary>
    public DtsCertificateOptions Certificates { get; set; } = new();

    /// <summary>How long the origin waits for the target's answer to a handover (default 2 s).</summary>
    public TimeSpan HandoverTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a handed-over flow may stay idle before its nft set elements expire (default 10 min). Packets
    /// of the flow in either direction refresh them. Must exceed Kestrel's keep-alive timeout (130 s by
    /// default): an idle connection that outlives its elements would be reset by the origin's listener.
    /// </summary>
    public TimeSpan FlowIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most bytes the origin records from a connection before its dispatch decision (default 2 MiB:
    /// the request head plus what Kestrel read ahead). A connection that sent more is not handed over.
    /// </summary>
    public int MaxRecordedBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// When false, <c>AddDts()</c> registers nothing of the node (no certificates, nft table, control channel,
    /// NFQUEUE or Kestrel endpoints) and <c>UseDts()</c> adds nothing: the app runs as a plain ASP.NET Core app
    /// (default true). Read once, when <c>AddDts()</c> runs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An extra JSON file with cluster settings, loaded after the app's own configuration.</summary>
    public string? ConfigFile { get; set; }

    internal DtsNodeOptions? Self => Find(NodeId);

    /// <summary>Configuration values that could not be converted (<see cref="Configuration.DtsConfigurationBinding"/>), reported at start-up with every other problem.</summary>
    internal List<string> BindingErrors { get; } = [];

    internal int SelfIndex => IndexOf(NodeId);

    internal DtsNodeOptions? Find(string id) => IndexOf(id) is var i and >= 0 ? Nodes[i] : null;

    private int IndexOf(string id)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Nodes[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }
}
