using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dts.Linux.Processes;

namespace Dts.Testbed.Processes;

/// <summary>
/// One node program running inside its namespace. Started through <c>/bin/sh -c 'exec "$@" …'</c> so stdout and
/// stderr go straight to the node's log file (no pipe to this process: a node outlives a detached owner), and
/// <c>ip netns exec</c> execs too, so the pid we hold is the node program's own.
/// </summary>
internal sealed class NodeProcess
{
    private const string Script = "exec \"$@\" </dev/null >>\"$DTS_NODE_LOG\" 2>&1";
    private readonly TestbedLayout _layout;
    private Process? _process;

    public NodeProcess(TestbedLayout layout, int node)
    {
        _layout = layout;
        Node = node;
    }

    public int Node { get; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Exit code of the last run, once it exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Starts the node; appends a header line with the command line to its log first.</summary>
    /// <exception cref="InvalidOperationException">The node is already running.</exception>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Node {TestbedLayout.NodeId(Node)} is already running (pid {_process!.Id}).");
        }

        var o = _layout.Options;
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        string[] command = ["ip", "netns", "exec", _layout.NodeNamespace(Node), .. o.NodeCommand, "--Dts:ConfigFile=" + _layout.NodeConfigPath(Node)];
        foreach (string a in (string[])["-c", Script, "dts-node", .. command])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DTS_NODE_LOG"] = _layout.NodeLogPath(Node);
        foreach (var (key, value) in o.NodeEnvironment)
        {
            psi.Environment[key] = value;
        }

        if (o.NodeWorkingDirectory is not null)
        {
            psi.WorkingDirectory = o.NodeWorkingDirectory;
        }

        File.AppendAllText(
            _layout.NodeLogPath(Node),
            string.Create(CultureInfo.InvariantCulture, $"=== {DateTimeOffset.UtcNow:O} start: {CommandRunner.Format(command[0], command.Skip(1))}\n"));
        _process?.Dispose();
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null.");
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL. No-op when not running.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false } p)
        {
            await Signals.TerminateAsync([p.Id], grace, cancellationToken).ConfigureAwait(false);
            await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL at once (a crash, for failure tests). No-op when not running.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false } p)
        {
            ProcessSignals.TrySend(p.Id, ProcessSignal.Kill);
            await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the node's log, or a note that there is none.</summary>
    public string LogTail(int lines = 40)
    {
        string path = _layout.NodeLogPath(Node);
        if (!File.Exists(path))
        {
            return $"(no log at {path})";
        }

        string[] all = File.ReadAllLines(path, Encoding.UTF8);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
