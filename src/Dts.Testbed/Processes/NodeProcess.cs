namespace Dts.Testbed.Processes;

/// <summary>
/// One node program running inside its namespace (a <see cref="ManagedProcess"/>: found through its pid file by
/// any process, outlives a detached owner).
/// </summary>
internal sealed class NodeProcess
{
    private readonly TestbedLayout _layout;
    private readonly ManagedProcess _process;

    public NodeProcess(TestbedLayout layout, int node)
    {
        _layout = layout;
        Node = node;
        _process = new ManagedProcess("node " + TestbedLayout.NodeId(node), layout.NodePidPath(node), layout.NodeLogPath(node));
    }

    public int Node { get; }

    public int? ProcessId => _process.ProcessId;

    public bool IsRunning => _process.IsRunning;

    /// <summary>Exit code of the last run, once it exited (known only to the process that started it).</summary>
    public int? ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the node: <c>ip netns exec &lt;ns&gt; &lt;NodeCommand&gt; --Dts:ConfigFile=…</c>; appends a header line with
    /// the command line to its log first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node is already running.</exception>
    public void Start()
    {
        var o = _layout.Options;
        _process.Start(
            ["ip", "netns", "exec", _layout.NodeNamespace(Node), .. o.NodeCommand, "--Dts:ConfigFile=" + _layout.NodeConfigPath(Node)],
            o.NodeEnvironment,
            o.NodeWorkingDirectory);
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL. No-op when not running.</summary>
    public Task StopAsync(TimeSpan grace, CancellationToken cancellationToken) => _process.StopAsync(grace, cancellationToken);

    /// <summary>SIGKILL at once (a crash, for failure tests). No-op when not running.</summary>
    public Task KillAsync(CancellationToken cancellationToken) => _process.KillAsync(cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines of the node's log, or a note that there is none.</summary>
    public string LogTail(int lines = 40) => _process.LogTail(lines);
}
