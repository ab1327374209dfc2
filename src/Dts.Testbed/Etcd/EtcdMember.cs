using System.Globalization;
using Dts.Testbed.Processes;

namespace Dts.Testbed.Etcd;

/// <summary>
/// The etcd member co-located with one node: <c>/usr/bin/etcd</c> (Debian's <c>etcd-server</c>, v3.4) in the node's
/// namespace, named after the node, client URL <c>http://&lt;node ip&gt;:2379</c>, peer URL <c>http://&lt;node ip&gt;:2380</c>,
/// data on tmpfs (<see cref="TestbedLayout.EtcdDataRoot"/>), output appended to <c>etcd-n&lt;i&gt;.log</c>. etcd's
/// default heartbeat (100 ms) and election timeout (1000 ms) stay: the node's 2 s lease is above etcd's minimum TTL
/// (1.5 × election timeout), and nothing measured asks for tighter ones.
/// </summary>
internal sealed class EtcdMember
{
    public const string Binary = "/usr/bin/etcd";
    private readonly TestbedLayout _layout;
    private readonly ManagedProcess _process;

    public EtcdMember(TestbedLayout layout, int node)
    {
        _layout = layout;
        Node = node;
        _process = new ManagedProcess("etcd member " + TestbedLayout.NodeId(node), layout.EtcdPidPath(node), layout.EtcdLogPath(node));
    }

    public int Node { get; }

    public bool IsRunning => _process.IsRunning;

    public int? ProcessId => _process.ProcessId;

    public int? ExitCode => _process.ExitCode;

    public string ClientUrl => _layout.EtcdClientUrl(Node);

    /// <summary>
    /// Starts the member. A data directory that exists already (a restart) makes etcd rejoin with its stored
    /// membership; <c>--initial-cluster-state existing</c> says the same for the flags.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    /// <exception cref="FileNotFoundException">etcd is not installed.</exception>
    public void Start()
    {
        if (!File.Exists(Binary))
        {
            throw new FileNotFoundException("etcd is not installed (apt-get install etcd-server; dts.sh does).", Binary);
        }

        string dataDirectory = _layout.EtcdDataDirectory(Node);
        bool existing = Directory.Exists(Path.Combine(dataDirectory, "member"));
        Directory.CreateDirectory(_layout.EtcdDataRoot);
        File.WriteAllText(Path.Combine(_layout.EtcdDataRoot, TestbedLayout.EtcdDataMarker), _layout.RunId + "\n");
        // etcd wants its data directory private (0700) and warns about anything else.
        var directory = Directory.CreateDirectory(dataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        _process.Start(
            ["ip", "netns", "exec", _layout.NodeNamespace(Node), .. Arguments(_layout, Node, existing)],
            new Dictionary<string, string>(),
            _layout.RunDirectory);
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL. No-op when not running.</summary>
    public Task StopAsync(TimeSpan grace, CancellationToken cancellationToken) => _process.StopAsync(grace, cancellationToken);

    public string LogTail(int lines = 40) => _process.LogTail(lines);

    /// <summary>Whether <paramref name="pid"/> runs etcd (its <c>/proc/&lt;pid&gt;/comm</c>): how a cleanup without pid files tells the members apart.</summary>
    public static bool IsEtcdProcess(int pid)
    {
        try
        {
            return File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/comm")).Trim() == "etcd";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The command line of member <paramref name="node"/>.</summary>
    internal static IReadOnlyList<string> Arguments(TestbedLayout layout, int node, bool existing) =>
    [
        Binary,
        "--name", TestbedLayout.NodeId(node),
        "--data-dir", layout.EtcdDataDirectory(node),
        "--listen-client-urls", layout.EtcdClientUrl(node),
        "--advertise-client-urls", layout.EtcdClientUrl(node),
        "--listen-peer-urls", layout.EtcdPeerUrl(node),
        "--initial-advertise-peer-urls", layout.EtcdPeerUrl(node),
        "--initial-cluster", layout.EtcdInitialCluster,
        "--initial-cluster-token", layout.EtcdClusterToken,
        "--initial-cluster-state", existing ? "existing" : "new",
        // A member coming back from a partition must not depose a healthy leader (etcd 3.4 has pre-vote off by
        // default; 3.5 turned it on): without it every node's lease renewals stall for an election.
        "--pre-vote",
        "--logger", "zap",
        "--log-outputs", "stderr",
    ];
}
