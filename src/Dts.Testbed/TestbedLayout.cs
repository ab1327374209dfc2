using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dts.Core.Handover;
using Dts.Core.Ownership;

namespace Dts.Testbed;

/// <summary>Names and addresses of one run, derived once from <see cref="TestbedOptions"/>.</summary>
internal sealed partial class TestbedLayout
{
    public const string NamespacePrefix = "dts-";
    public const string BridgeName = "br0";
    public const int FirstNodeHost = 11;
    public const int EtcdClientPort = 2379;
    public const int EtcdPeerPort = 2380;

    /// <summary>Written into a directory of etcd data this library created: only such a directory is ever deleted.</summary>
    public const string EtcdDataMarker = ".dts-etcd";

    /// <param name="options">The options.</param>
    /// <param name="etcdClusterToken">The run's etcd cluster token when it exists already (a testbed opened from its registry entry).</param>
    public TestbedLayout(TestbedOptions options, string? etcdClusterToken = null)
    {
        Options = options;
        RunId = options.RunId ?? NewRunId();
        RunDirectory = options.RunDirectory ?? Path.Combine(DefaultRoot, RunId);
        EtcdClusterToken = etcdClusterToken ?? $"dts-{RunId}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        EtcdDataRoot = EtcdDataRootOf(RunId, RunDirectory);
    }

    /// <summary>Parent of the default run directories.</summary>
    public static string DefaultRoot => "/tmp/dts-testbed";

    public TestbedOptions Options { get; }

    public string RunId { get; }

    public string RunDirectory { get; }

    public int NodeCount => Options.NodeCount;

    public string SwitchNamespace => Name("sw");

    public string RouterNamespace => Name("rt");

    public string ClientNamespace => Name("cl");

    public string NodeNamespace(int node) => Name(NodeId(node));

    /// <summary>All namespaces, the switch last (deleting it last keeps the others' peers valid until then).</summary>
    public IReadOnlyList<string> AllNamespaces =>
        [.. Enumerable.Range(1, NodeCount).Select(NodeNamespace), RouterNamespace, ClientNamespace, SwitchNamespace];

    public static string NodeId(int node) => "n" + node.ToString(CultureInfo.InvariantCulture);

    public IPAddress NodeAddress(int node) => Host(Options.NodeNetwork, FirstNodeHost - 1 + node);

    public IPAddress RouterNodeSideAddress => Host(Options.NodeNetwork, 1);

    public IPAddress RouterClientSideAddress => Host(Options.ClientNetwork, 1);

    public IPAddress ClientAddress => Host(Options.ClientNetwork, 2);

    /// <summary>The VIP's multicast MAC as <c>ip maddr</c> takes it (<see cref="MulticastMac"/>).</summary>
    public string VipMulticastMac => MulticastMac.ToText(MulticastMac.For(Options.Vip));

    public string NodeConfigPath(int node) => Path.Combine(RunDirectory, NodeId(node) + ".json");

    public string NodeLogPath(int node) => Path.Combine(RunDirectory, NodeId(node) + ".log");

    /// <summary>Pid file of node <paramref name="node"/>'s process (<see cref="Processes.ManagedProcess"/>): how any process finds it.</summary>
    public string NodePidPath(int node) => Path.Combine(RunDirectory, NodeId(node) + ".pid");

    public bool HasEtcd => Options.Membership == TestbedMembership.Etcd;

    /// <summary>
    /// <c>--initial-cluster-token</c> of this run's etcd cluster: unique per run, so members of two runs (same addresses,
    /// other namespaces) could never join each other's cluster.
    /// </summary>
    public string EtcdClusterToken { get; }

    /// <summary>The parent of the etcd members' data directories (tmpfs; see <see cref="EtcdDataRootOf"/>).</summary>
    public string EtcdDataRoot { get; }

    /// <summary>The key prefix of this run's membership (<c>Dts:Etcd:Prefix</c>).</summary>
    public string EtcdPrefix => $"/dts/{RunId}/";

    public string EtcdClientUrl(int node) => string.Create(CultureInfo.InvariantCulture, $"http://{NodeAddress(node)}:{EtcdClientPort}");

    public string EtcdPeerUrl(int node) => string.Create(CultureInfo.InvariantCulture, $"http://{NodeAddress(node)}:{EtcdPeerPort}");

    /// <summary>Every member's client URL, in node order; empty without etcd.</summary>
    public IReadOnlyList<string> EtcdEndpoints => HasEtcd ? [.. Enumerable.Range(1, NodeCount).Select(EtcdClientUrl)] : [];

    /// <summary><c>--initial-cluster</c>: <c>n1=http://…:2380,n2=…</c>.</summary>
    public string EtcdInitialCluster => string.Join(',', Enumerable.Range(1, NodeCount).Select(i => $"{NodeId(i)}={EtcdPeerUrl(i)}"));

    public string EtcdDataDirectory(int node) => Path.Combine(EtcdDataRoot, NodeId(node) + ".etcd");

    public string EtcdLogPath(int node) => Path.Combine(RunDirectory, "etcd-" + NodeId(node) + ".log");

    public string EtcdPidPath(int node) => Path.Combine(RunDirectory, "etcd-" + NodeId(node) + ".pid");

    /// <summary>
    /// Where a run keeps its etcd data: on tmpfs (etcd fsyncs every write; a disk would make the cluster as slow as
    /// the disk): <c>&lt;rundir&gt;/etcd</c> when the run directory is under <c>/run</c>, else
    /// <c>/run/dts-testbed/&lt;runid&gt;</c>. Derived from the run id alone for the latter, so the cleanup of a crashed
    /// run finds it without a registry entry.
    /// </summary>
    public static string EtcdDataRootOf(string runId, string runDirectory) =>
        Path.GetFullPath(runDirectory).StartsWith("/run/", StringComparison.Ordinal)
            ? Path.Combine(runDirectory, "etcd")
            : Path.Combine(Registry.TestbedRegistry.Directory, runId);

    /// <summary>Parses a node id (<c>n2</c>) into its 1-based number; false for anything else (<c>n0</c>, <c>2</c>, <c>n02</c>).</summary>
    public static bool TryParseNodeId(string nodeId, out int node)
    {
        node = 0;
        return nodeId is ['n', >= '1' and <= '9', ..]
            && nodeId.Length <= 3
            && int.TryParse(nodeId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out node);
    }

    /// <summary>Splits a namespace name <c>dts-&lt;runid&gt;-&lt;role&gt;</c>; false for names that aren't ours.</summary>
    public static bool TryParseNamespace(string name, out string runId, out string role)
    {
        runId = role = string.Empty;
        int last = name.LastIndexOf('-');
        if (!name.StartsWith(NamespacePrefix, StringComparison.Ordinal) || last <= NamespacePrefix.Length)
        {
            return false;
        }

        runId = name[NamespacePrefix.Length..last];
        role = name[(last + 1)..];
        return true;
    }

    /// <summary>
    /// The owner pid encoded in a run id: its first all-digit segment (<c>&lt;pid&gt;-&lt;hex&gt;</c> for ours,
    /// <c>lt-&lt;pid&gt;-&lt;hex&gt;</c> for Dts.Linux.Tests' namespaces). Only used when a run has no registry entry.
    /// </summary>
    public static int? PidFromRunId(string runId)
    {
        foreach (string segment in runId.Split('-'))
        {
            if (segment.Length > 0 && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>Every problem with the options at once; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var o = Options;
        if (!IsValidRunId(RunId))
        {
            errors.Add($"RunId '{RunId}' must be lowercase letters, digits and '-' (at most 40 characters).");
        }

        if (o.NodeCount is < 1 or > 89)
        {
            errors.Add($"NodeCount {o.NodeCount} must be between 1 and 89.");
        }

        foreach (var (name, net) in new[] { ("NodeNetwork", o.NodeNetwork), ("ClientNetwork", o.ClientNetwork) })
        {
            if (net.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || net.PrefixLength > 24)
            {
                errors.Add($"{name} {net} must be an IPv4 network of /24 or larger.");
            }
        }

        if (o.Vip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            errors.Add($"Vip {o.Vip} must be IPv4.");
        }
        else if (errors.Count == 0 && Enumerable.Range(1, o.NodeCount).Any(i => NodeAddress(i).Equals(o.Vip)))
        {
            errors.Add($"Vip {o.Vip} collides with a node address.");
        }

        if (!Enum.IsDefined(o.Mechanism))
        {
            errors.Add($"Mechanism '{o.Mechanism}' must be {string.Join(" or ", Enum.GetNames<HandoverMechanism>().Select(n => $"'{n}'"))}.");
        }

        if (o.Port == 0 || o.ControlPort == 0 || o.ManagementPort == 0 || o.Port == o.ControlPort || o.ManagementPort == o.Port || o.ManagementPort == o.ControlPort)
        {
            errors.Add($"Port {o.Port}, ControlPort {o.ControlPort} and ManagementPort {o.ManagementPort} must be distinct and non-zero.");
        }

        if (!Enum.IsDefined(o.Membership))
        {
            errors.Add($"Membership '{o.Membership}' must be {string.Join(" or ", Enum.GetNames<TestbedMembership>().Select(n => $"'{n}'"))}.");
        }
        else if (HasEtcd && (o.Port is EtcdClientPort or EtcdPeerPort || o.ControlPort is EtcdClientPort or EtcdPeerPort || o.ManagementPort is EtcdClientPort or EtcdPeerPort))
        {
            errors.Add($"Port {o.Port}, ControlPort {o.ControlPort} and ManagementPort {o.ManagementPort} must not be etcd's ports {EtcdClientPort} and {EtcdPeerPort}.");
        }

        if (o.Buckets < 1)
        {
            errors.Add($"Buckets {o.Buckets} must be at least 1.");
        }

        if (o.EtcdLeaseTtl < TimeSpan.FromSeconds(1) || o.EtcdLeaseTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"EtcdLeaseTtl {o.EtcdLeaseTtl} must be whole seconds, at least 1 s.");
        }

        return errors;
    }

    /// <summary>Lowercase letters, digits and '-', at most 40 characters: safe in namespace names and paths.</summary>
    public static bool IsValidRunId(string runId) => runId.Length <= 40 && RunIdPattern().IsMatch(runId);

    private string Name(string role) => $"{NamespacePrefix}{RunId}-{role}";

    private static string NewRunId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(4, lowercase: true)}");

    private static IPAddress Host(IPNetwork network, int host)
    {
        byte[] b = network.BaseAddress.GetAddressBytes();
        uint value = ((uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3]) + (uint)host;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex RunIdPattern();
}
