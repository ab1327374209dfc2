using System.Net;
using Dts.Core.Handover;

namespace Dts.Testbed;

/// <summary>
/// Shape of one testbed: how many nodes, which addresses, what each node runs. Defaults match
/// ARCHITECTURE.md §5/§7 (VIP 198.18.0.100:80, nodes 198.18.0.11…, client 198.19.0.2).
/// </summary>
public sealed record TestbedOptions
{
    /// <summary>Number of server nodes (1–89: node addresses are .11 … .99 of <see cref="NodeNetwork"/>).</summary>
    public int NodeCount { get; init; } = 3;

    /// <summary>The virtual IP every node holds on <c>lo</c>; it resolves to the multicast MAC 01:00:5e + its low 23 bits.</summary>
    public IPAddress Vip { get; init; } = IPAddress.Parse("198.18.0.100");

    /// <summary>TCP port of the service on the VIP (and on each node's unicast address).</summary>
    public ushort Port { get; init; } = 80;

    /// <summary>TCP port of the node-to-node control channel, on each node's unicast address.</summary>
    public ushort ControlPort { get; init; } = 7443;

    /// <summary>TCP port of each node's management endpoint (<c>/dts/*</c>), on its unicast address only.</summary>
    public ushort ManagementPort { get; init; } = 9090;

    /// <summary>The node-side subnet (a /24 or larger): router at .1, nodes at .11, .12, ….</summary>
    public IPNetwork NodeNetwork { get; init; } = IPNetwork.Parse("198.18.0.0/24");

    /// <summary>The client-side subnet: router at .1, client at .2.</summary>
    public IPNetwork ClientNetwork { get; init; } = IPNetwork.Parse("198.19.0.0/24");

    /// <summary>Handover mechanism written into each node's configuration.</summary>
    public HandoverMechanism Mechanism { get; init; } = HandoverMechanism.Repair;

    /// <summary>Seed of the flow-ownership hash (nft <c>jhash … seed</c>), written into each node's configuration.</summary>
    public uint HashSeed { get; init; } = 0x5eed;

    /// <summary>
    /// Identifier used in namespace names (<c>dts-&lt;runid&gt;-n1</c>); lowercase letters, digits and '-'.
    /// <see langword="null"/> picks a unique <c>&lt;pid&gt;-&lt;4 hex digits&gt;</c>.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Directory for certificates, node configuration and logs; <see langword="null"/> means <c>/tmp/dts-testbed/&lt;runid&gt;</c>.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>
    /// The node program and its arguments, e.g. <c>["dotnet", "/abs/Dts.Sample.Web.dll"]</c>; the testbed appends
    /// <c>--Dts:ConfigFile=&lt;rundir&gt;/n&lt;i&gt;.json</c>. Empty: build the network only, start no nodes.
    /// </summary>
    public IReadOnlyList<string> NodeCommand { get; init; } = [];

    /// <summary>Working directory of the node processes; <see langword="null"/> inherits the current one.</summary>
    public string? NodeWorkingDirectory { get; init; }

    /// <summary>
    /// Extra configuration written into every node's JSON file, keyed by configuration path
    /// (<c>"Dts:Handover:Timeout"</c>, <c>"Logging:LogLevel:Default"</c>); these win over the generated values.
    /// </summary>
    public IReadOnlyDictionary<string, string> NodeSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra environment variables for the node processes.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a started node may take until <c>/dts/health</c> on its management port answers 200.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time between SIGTERM and SIGKILL when nodes are stopped or the testbed goes down.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <see cref="TestbedMembership.Etcd"/> (default) runs an etcd member in every node namespace and points the nodes
    /// at it; <see cref="TestbedMembership.Static"/> runs no etcd and gives the nodes the fixed membership.
    /// </summary>
    public TestbedMembership Membership { get; init; } = TestbedMembership.Etcd;

    /// <summary>Number of ownership buckets (<c>Dts:Buckets</c>), the same on every node.</summary>
    public int Buckets { get; init; } = 256;

    /// <summary>TTL of each node's membership lease (<c>Dts:Etcd:LeaseTtl</c>); whole seconds, at least 1 s (etcd grants at least 1.5 s).</summary>
    public TimeSpan EtcdLeaseTtl { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Keep the run directory (logs, configuration) after <see cref="Testbed.DownAsync"/>.</summary>
    public bool KeepRunDirectory { get; init; }
}
