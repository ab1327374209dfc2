using System.Net;
using Dts.Testbed.Processes;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether node <paramref name="node"/>'s process is running.</summary>
    public bool IsNodeRunning(int node) => _nodes[CheckNode(node) - 1].IsRunning;

    /// <summary>The pid of node <paramref name="node"/>'s process, or <see langword="null"/> when it is not running.</summary>
    public int? NodeProcessId(int node) => _nodes[CheckNode(node) - 1].ProcessId;

    /// <summary>
    /// Starts node <paramref name="node"/> in its namespace (<c>ip netns exec … &lt;NodeCommand&gt; --Dts:ConfigFile=…</c>,
    /// output appended to its log) and waits until <c>GET http://&lt;node ip&gt;:&lt;management port&gt;/dts/health</c> from the
    /// client namespace answers 200.
    /// </summary>
    /// <exception cref="InvalidOperationException">No node command configured, or the node is already running.</exception>
    /// <exception cref="TestbedNodeException">The node exited, or was not ready within <see cref="TestbedOptions.ReadinessTimeout"/>.</exception>
    public async Task StartNodeAsync(int node, CancellationToken cancellationToken = default)
    {
        var process = _nodes[CheckNode(node) - 1];
        if (Options.NodeCommand.Count == 0)
        {
            throw new InvalidOperationException("TestbedOptions.NodeCommand is empty: this testbed runs no node processes.");
        }

        process.Start();
        await WaitForReadyAsync(process, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops node <paramref name="node"/>: SIGTERM, then SIGKILL after <see cref="TestbedOptions.StopGracePeriod"/>.</summary>
    public Task StopNodeAsync(int node, CancellationToken cancellationToken = default) =>
        _nodes[CheckNode(node) - 1].StopAsync(Options.StopGracePeriod, cancellationToken);

    /// <summary>Kills node <paramref name="node"/> with SIGKILL (a crash: no graceful shutdown) and waits for it to exit.</summary>
    public Task KillNodeAsync(int node, CancellationToken cancellationToken = default) =>
        _nodes[CheckNode(node) - 1].KillAsync(cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines of node <paramref name="node"/>'s log.</summary>
    public string NodeLogTail(int node, int lines = 40) => _nodes[CheckNode(node) - 1].LogTail(lines);

    private async Task WaitForReadyAsync(NodeProcess process, CancellationToken cancellationToken)
    {
        var uri = ManagementUri(process.Node, "/dts/health");
        using var http = CreateClientHttpClient(TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + Options.ReadinessTimeout;
        string lastProblem = "no answer yet";
        while (true)
        {
            if (!process.IsRunning)
            {
                throw NodeFailure(process, $"exited with code {process.ExitCode} before {uri} answered 200");
            }

            try
            {
                using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = ex.Message;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw NodeFailure(process, $"{uri} did not answer 200 within {Options.ReadinessTimeout.TotalSeconds:0} s (last: {lastProblem})");
            }

            await Task.Delay(ReadinessPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private TestbedNodeException NodeFailure(NodeProcess process, string reason) =>
        new(process.Node, reason, _layout.NodeLogPath(process.Node), process.LogTail());
}
