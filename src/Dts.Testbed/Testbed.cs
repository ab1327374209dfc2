using System.Diagnostics.CodeAnalysis;
using System.Net;
using Dts.Testbed.Certificates;
using Dts.Testbed.Configuration;
using Dts.Testbed.Etcd;
using Dts.Testbed.Namespaces;
using Dts.Testbed.Processes;
using Dts.Testbed.Registry;

namespace Dts.Testbed;

/// <summary>
/// A whole cluster on this machine in network namespaces (ARCHITECTURE.md §5): a switch namespace with a bridge
/// (multicast snooping off), N node namespaces (eth0 on the bridge, VIP/32 on lo, the VIP's multicast MAC joined
/// on eth0), a router namespace and a client namespace behind it. Nothing is attached to the root namespace.
/// Nodes are numbered from 1 (<c>n1</c>, <c>n2</c>, …) everywhere in this API.
/// </summary>
public sealed partial class Testbed : IAsyncDisposable
{
    private readonly TestbedLayout _layout;
    private readonly NodeProcess[] _nodes;
    private readonly EtcdMember[] _etcd;
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification =
        "DownAsync stays callable after DisposeAsync (it is idempotent); the SemaphoreSlim holds no kernel handle, as AvailableWaitHandle is never read.")]
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly TestbedLease? _lease; // null: opened from the registry by another process than its owner
    private bool _down;
    private bool _detached;
    private bool _abandoned;

    private Testbed(TestbedLayout layout, TestbedLease? lease)
    {
        _layout = layout;
        _lease = lease;
        _nodes = [.. Enumerable.Range(1, layout.NodeCount).Select(i => new NodeProcess(layout, i))];
        _etcd = layout.HasEtcd ? [.. Enumerable.Range(1, layout.NodeCount).Select(i => new EtcdMember(layout, i))] : [];
        Certificates = new TestbedCertificates(layout.RunDirectory);
    }

    /// <summary>The options this testbed was built from.</summary>
    public TestbedOptions Options => _layout.Options;

    /// <summary>The run id in every namespace name (<c>dts-&lt;runid&gt;-…</c>).</summary>
    public string RunId => _layout.RunId;

    /// <summary>Directory with certificates, node configuration (<c>n1.json</c>) and node logs (<c>n1.log</c>).</summary>
    public string RunDirectory => _layout.RunDirectory;

    /// <summary>The cluster PKI of this run.</summary>
    public TestbedCertificates Certificates { get; }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _layout.NodeCount;

    /// <summary>The namespace holding the bridge.</summary>
    public string SwitchNamespace => _layout.SwitchNamespace;

    /// <summary>The router namespace (forwarding on; eth0 on the bridge, eth1 to the client).</summary>
    public string RouterNamespace => _layout.RouterNamespace;

    /// <summary>The client namespace (eth0, default route via the router).</summary>
    public string ClientNamespace => _layout.ClientNamespace;

    /// <summary>Every namespace of this run.</summary>
    public IReadOnlyList<string> Namespaces => _layout.AllNamespaces;

    /// <summary>The virtual IP shared by all nodes.</summary>
    public IPAddress Vip => _layout.Options.Vip;

    /// <summary>The service port on the VIP.</summary>
    public ushort Port => _layout.Options.Port;

    /// <summary>The port of each node's management endpoint (<c>/dts/*</c>, <c>/metrics</c>), on its unicast address only.</summary>
    public ushort ManagementPort => _layout.Options.ManagementPort;

    /// <summary>
    /// <paramref name="pathAndQuery"/> (e.g. <c>/dts/stats</c>) on node <paramref name="node"/>'s management endpoint,
    /// <c>http://&lt;node address&gt;:&lt;ManagementPort&gt;/…</c> (reached from the client namespace through the router).
    /// </summary>
    public Uri ManagementUri(int node, string pathAndQuery) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{NodeAddress(node)}:{ManagementPort}{pathAndQuery}"));

    /// <summary>The multicast MAC the VIP resolves to, e.g. <c>01:00:5e:12:00:64</c>.</summary>
    public string VipMulticastMac => _layout.VipMulticastMac;

    /// <summary>The client's address.</summary>
    public IPAddress ClientAddress => _layout.ClientAddress;

    /// <summary>The router's address on the node subnet (the nodes' default gateway).</summary>
    public IPAddress RouterNodeSideAddress => _layout.RouterNodeSideAddress;

    /// <summary>The router's address on the client subnet (the client's default gateway).</summary>
    public IPAddress RouterClientSideAddress => _layout.RouterClientSideAddress;

    /// <summary>
    /// Builds the network, writes certificates and node configuration, starts the etcd cluster (with
    /// <see cref="TestbedMembership.Etcd"/>) and waits until every member is healthy, then (when
    /// <see cref="TestbedOptions.NodeCommand"/> is not empty) starts every node and waits until each answers
    /// <c>/dts/health</c>. On any failure everything created so far is removed before the exception propagates.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Not running as root.</exception>
    /// <exception cref="ArgumentException">Invalid options (all problems listed).</exception>
    /// <exception cref="InvalidOperationException">The run id is in use or the run directory is not empty.</exception>
    /// <exception cref="TestbedCommandException">An <c>ip</c>/<c>sysctl</c> command failed.</exception>
    /// <exception cref="TestbedNodeException">A node or etcd member exited or was not ready within <see cref="TestbedOptions.ReadinessTimeout"/>.</exception>
    /// <exception cref="FileNotFoundException">etcd is not installed (<see cref="TestbedMembership.Etcd"/>).</exception>
    public static async Task<Testbed> UpAsync(TestbedOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Environment.IsPrivilegedProcess)
        {
            throw new UnauthorizedAccessException("The testbed creates network namespaces and needs root.");
        }

        var layout = new TestbedLayout(options);
        var errors = layout.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid testbed options:\n  " + string.Join("\n  ", errors), nameof(options));
        }

        // The lease comes first: from the registry entry's first byte on, the testbed is never a leftover to a
        // concurrent CleanupAsync while this process lives.
        if (!TestbedLease.TryAcquire(layout.RunId, out var lease))
        {
            throw new InvalidOperationException($"A testbed with run id '{layout.RunId}' already exists.");
        }

        if (layout.AllNamespaces.Any(Netns.Exists) || TestbedRegistry.TryRead(layout.RunId) is not null)
        {
            lease!.Dispose();
            throw new InvalidOperationException($"A testbed with run id '{layout.RunId}' already exists.");
        }

        if (Directory.Exists(layout.RunDirectory) && Directory.EnumerateFileSystemEntries(layout.RunDirectory).Any())
        {
            lease!.Release();
            throw new InvalidOperationException($"Run directory {layout.RunDirectory} exists and is not empty.");
        }

        var testbed = new Testbed(layout, lease!);
        try
        {
            TestbedRegistry.Write(testbed.CreateRecord());
            Directory.CreateDirectory(layout.RunDirectory);
            File.WriteAllText(Path.Combine(layout.RunDirectory, RunDirectoryMarker), layout.RunId + "\n");
            CertificateFactory.Generate(layout, testbed.Certificates);
            for (int i = 1; i <= layout.NodeCount; i++)
            {
                NodeConfigWriter.Write(layout, testbed.Certificates, i);
            }

            await TopologyBuilder.BuildAsync(layout, cancellationToken).ConfigureAwait(false);
            if (layout.HasEtcd)
            {
                await testbed.StartEtcdClusterAsync(cancellationToken).ConfigureAwait(false);
            }

            if (options.NodeCommand.Count > 0)
            {
                await Task.WhenAll(Enumerable.Range(1, layout.NodeCount).Select(i => testbed.StartNodeAsync(i, cancellationToken))).ConfigureAwait(false);
            }

            return testbed;
        }
        catch
        {
            await testbed.DownAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The namespace of node <paramref name="node"/> (1-based), e.g. <c>dts-&lt;runid&gt;-n1</c>.</summary>
    public string NodeNamespace(int node) => _layout.NodeNamespace(CheckNode(node));

    /// <summary>The node id of node <paramref name="node"/>: <c>n1</c>, <c>n2</c>, ….</summary>
    public string NodeId(int node) => TestbedLayout.NodeId(CheckNode(node));

    /// <summary>The node id every testbed gives node <paramref name="node"/> (1-based): <c>n1</c>, <c>n2</c>, …; for code without a testbed at hand.</summary>
    public static string NodeIdOf(int node) => TestbedLayout.NodeId(node);

    /// <summary>Parses a node id (<c>n2</c>) into its 1-based number; false for anything else (<c>2</c>, <c>n0</c>, <c>n02</c>, <c>N2</c>).</summary>
    public static bool TryParseNodeId(string nodeId, out int node)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        return TestbedLayout.TryParseNodeId(nodeId, out node);
    }

    /// <summary>The unicast address of node <paramref name="node"/> (1-based): .11, .12, … of the node subnet.</summary>
    public IPAddress NodeAddress(int node) => _layout.NodeAddress(CheckNode(node));

    /// <summary>The configuration file written for node <paramref name="node"/>.</summary>
    public string NodeConfigPath(int node) => _layout.NodeConfigPath(CheckNode(node));

    /// <summary>The log file (stdout + stderr) of node <paramref name="node"/>.</summary>
    public string NodeLogPath(int node) => _layout.NodeLogPath(CheckNode(node));

    /// <summary>
    /// Keeps the testbed after this process exits (what <c>dts testbed up</c> does): disposing no longer tears it
    /// down, and <see cref="CleanupAsync"/> without <c>all</c> leaves it alone. <see cref="RemoveAsync"/> or
    /// <see cref="DownAsync"/> end it.
    /// </summary>
    /// <exception cref="InvalidOperationException">This process does not own the testbed (it was <see cref="TryOpen">opened</see>).</exception>
    public void Detach()
    {
        if (_lease is null)
        {
            throw new InvalidOperationException($"Testbed {RunId} was opened, not brought up, by this process: only its owner detaches it.");
        }

        _detached = true;
        TestbedRegistry.Write(CreateRecord() with { Detached = true });
    }

    /// <summary>
    /// Lets go of the testbed without tearing it down, as a crash of this process would: from now on it is a leftover
    /// that <see cref="CleanupAsync"/> removes. For tests of the cleanup.
    /// </summary>
    internal void Abandon()
    {
        _abandoned = true;
        _lease?.Dispose();
    }

    /// <summary>Tears the testbed down unless it was detached or <see cref="TryOpen">opened</see> (not owned) by this process.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_detached && !_abandoned && _lease is not null)
        {
            await DownAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private int CheckNode(int node) =>
        node >= 1 && node <= _layout.NodeCount ? node : throw new ArgumentOutOfRangeException(nameof(node), node, $"Nodes are numbered 1..{_layout.NodeCount}.");

    private TestbedRecord CreateRecord() => new()
    {
        NodeNetwork = _layout.Options.NodeNetwork.ToString(),
        ClientNetwork = _layout.Options.ClientNetwork.ToString(),
        ControlPort = _layout.Options.ControlPort,
        ManagementPort = _layout.Options.ManagementPort,
        Mechanism = _layout.Options.Mechanism,
        HashSeed = _layout.Options.HashSeed,
        Membership = _layout.Options.Membership,
        Buckets = _layout.Options.Buckets,
        EtcdLeaseTtl = _layout.Options.EtcdLeaseTtl,
        EtcdClusterToken = _layout.EtcdClusterToken,
        NodeCommand = _layout.Options.NodeCommand,
        NodeWorkingDirectory = _layout.Options.NodeWorkingDirectory,
        NodeEnvironment = _layout.Options.NodeEnvironment,
        ReadinessTimeout = _layout.Options.ReadinessTimeout,
        StopGracePeriod = _layout.Options.StopGracePeriod,
        RunId = _layout.RunId,
        OwnerProcessId = Environment.ProcessId,
        RunDirectory = _layout.RunDirectory,
        KeepRunDirectory = _layout.Options.KeepRunDirectory,
        Namespaces = _layout.AllNamespaces,
        NodeCount = _layout.NodeCount,
        Vip = _layout.Options.Vip.ToString(),
        Port = _layout.Options.Port,
        ClientNamespace = _layout.ClientNamespace,
        CreatedUtc = DateTimeOffset.UtcNow,
    };
}
