using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dts.Linux.Processes;

namespace Dts.Testbed.Processes;

/// <summary>
/// A long-running program of the testbed (a node, an etcd member) that any process can find and control, not just
/// the one that started it: <c>dts testbed up</c> exits right after starting the nodes, and a later
/// <c>dts testbed node stop</c> is another process again.
/// <list type="bullet">
/// <item>Started as <c>setsid /bin/sh -c 'exec "$@" …' … ip netns exec &lt;ns&gt; &lt;command&gt;</c>: every step execs, so the
/// pid is the program's own; a new session, so it outlives its starter and its starter's terminal; stdout and stderr
/// appended straight to the log file (no pipe to the starter).</item>
/// <item>A pid file holds <c>&lt;pid&gt; &lt;start time&gt;</c> (field 22 of <c>/proc/&lt;pid&gt;/stat</c>): the process is
/// running while a process with that pid <em>and</em> that start time lives, so a reused pid never passes for it.</item>
/// </list>
/// </summary>
internal sealed class ManagedProcess
{
    private const string Script = "exec \"$@\" </dev/null >>\"$DTS_LOG\" 2>&1";
    private Process? _child;

    public ManagedProcess(string name, string pidPath, string logPath)
    {
        Name = name;
        PidPath = pidPath;
        LogPath = logPath;
    }

    /// <summary>What it is, for messages (<c>node n2</c>, <c>etcd member n2</c>).</summary>
    public string Name { get; }

    public string PidPath { get; }

    public string LogPath { get; }

    /// <summary>The pid while it runs, else <see langword="null"/>.</summary>
    public int? ProcessId => TryReadRunning(out int pid) ? pid : null;

    public bool IsRunning => TryReadRunning(out _);

    /// <summary>Exit code of the last run once it exited, when this process started it (else unknown: <see langword="null"/>).</summary>
    public int? ExitCode
    {
        get
        {
            if (_child is not { } c)
            {
                return null;
            }
            // Gone from /proc a moment before the runtime reaps it: wait for the reaping, briefly, so the code is known.
            if (!c.HasExited && !IsRunning)
            {
                c.WaitForExit(TimeSpan.FromSeconds(1));
            }
            return c.HasExited ? c.ExitCode : null;
        }
    }

    /// <summary>Starts <paramref name="command"/> (already wrapped in <c>ip netns exec</c>); appends a header line with the command line to the log first.</summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    public void Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        if (TryReadRunning(out int running))
        {
            throw new InvalidOperationException($"{Name} is already running (pid {running}).");
        }

        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (string a in (string[])["/bin/sh", "-c", Script, "dts-" + Name.Replace(' ', '-'), .. command])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DTS_LOG"] = LogPath;
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        File.AppendAllText(
            LogPath,
            string.Create(CultureInfo.InvariantCulture, $"=== {DateTimeOffset.UtcNow:O} start: {CommandRunner.Format(command[0], command.Skip(1))}\n"));
        _child?.Dispose();
        _child = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null.");

        // Exec keeps the start time, so reading it now (before or after the execs) names this very process.
        string record = string.Create(CultureInfo.InvariantCulture, $"{_child.Id} {StartTime(_child.Id) ?? 0}\n");
        File.WriteAllText(PidPath + ".tmp", record);
        File.Move(PidPath + ".tmp", PidPath, overwrite: true);
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL; returns once it is gone. No-op when not running.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (TryReadRunning(out int pid))
        {
            await Signals.TerminateAsync([pid], grace, cancellationToken).ConfigureAwait(false);
            await ReapAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL at once (a crash) and up to 5 s for it to disappear. No-op when not running.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (TryReadRunning(out int pid))
        {
            ProcessSignals.TrySend(pid, ProcessSignal.Kill);
            await Signals.WaitGoneAsync([pid], TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            await ReapAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>When this process started it: waits (≤ 2 s) until the runtime reaped it, so that no zombie is left in /proc.</summary>
    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        if (_child is { HasExited: false } c)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await c.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not reaped in time: /proc may show a zombie a little longer; nothing depends on it.
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log, or a note that there is none.</summary>
    public string LogTail(int lines = 40)
    {
        if (!File.Exists(LogPath))
        {
            return $"(no log at {LogPath})";
        }

        string[] all = File.ReadAllLines(LogPath, Encoding.UTF8);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c> (clock ticks since boot); null when the process is gone.</summary>
    internal static long? StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private bool TryReadRunning(out int pid)
    {
        pid = 0;
        string text;
        try
        {
            text = File.ReadAllText(PidPath);
        }
        catch (IOException)
        {
            return false;
        }

        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long started)
            && started != 0
            && Signals.IsAlive(pid)
            && StartTime(pid) == started;
    }
}
