using System.Text.Json;
using Dts.Testbed.Etcd;

namespace Dts.Testbed;

public sealed partial class Testbed
{
    private static readonly TimeSpan EtcdHealthPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The etcd members' client URLs (<c>http://&lt;node ip&gt;:2379</c>), in node order; empty with <see cref="TestbedMembership.Static"/>.</summary>
    public IReadOnlyList<string> EtcdEndpoints => _layout.EtcdEndpoints;

    /// <summary>The key prefix of this run's membership, <c>/dts/&lt;runid&gt;/</c> (<c>Dts:Etcd:Prefix</c>).</summary>
    public string EtcdPrefix => _layout.EtcdPrefix;

    /// <summary>The log file (stdout + stderr) of node <paramref name="node"/>'s etcd member, <c>etcd-n1.log</c> in the run directory.</summary>
    public string EtcdLogPath(int node) => _layout.EtcdLogPath(CheckNode(node));

    /// <summary>Whether the etcd member in node <paramref name="node"/>'s namespace runs.</summary>
    /// <exception cref="InvalidOperationException">The testbed runs no etcd (<see cref="TestbedMembership.Static"/>).</exception>
    public bool IsEtcdMemberRunning(int node) => EtcdMemberOf(node).IsRunning;

    /// <summary>Stops the etcd member of node <paramref name="node"/> (SIGTERM, then SIGKILL after <see cref="TestbedOptions.StopGracePeriod"/>); its data stays.</summary>
    /// <exception cref="InvalidOperationException">The testbed runs no etcd (<see cref="TestbedMembership.Static"/>).</exception>
    public Task StopEtcdMemberAsync(int node, CancellationToken cancellationToken = default) =>
        EtcdMemberOf(node).StopAsync(Options.StopGracePeriod, cancellationToken);

    /// <summary>
    /// (Re)starts the etcd member of node <paramref name="node"/> with its existing data directory
    /// (<c>--initial-cluster-state existing</c>) and waits until its <c>/health</c> answers true — which needs a
    /// leader, so a quorum of members must run.
    /// </summary>
    /// <exception cref="InvalidOperationException">The testbed runs no etcd, or the member is already running.</exception>
    /// <exception cref="TestbedNodeException">The member exited or was not healthy within <see cref="TestbedOptions.ReadinessTimeout"/>.</exception>
    public async Task StartEtcdMemberAsync(int node, CancellationToken cancellationToken = default)
    {
        var member = EtcdMemberOf(node);
        member.Start();
        await WaitForEtcdHealthAsync(member, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts every member at once (a new cluster needs a quorum to elect a leader) and waits until each is healthy.</summary>
    private async Task StartEtcdClusterAsync(CancellationToken cancellationToken)
    {
        foreach (var member in _etcd)
        {
            member.Start();
        }

        await Task.WhenAll(_etcd.Select(m => WaitForEtcdHealthAsync(m, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the members one after the other: a leader told to stop first hands its leadership to a follower, which
    /// takes it at once while the others run, but waits out its request timeout (SIGKILL comes first) when they stop
    /// with it. One by one, the whole cluster stops in a few hundred milliseconds.
    /// </summary>
    private async Task StopEtcdClusterAsync(CancellationToken cancellationToken)
    {
        foreach (var member in _etcd)
        {
            await member.StopAsync(Options.StopGracePeriod, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Polls <c>GET /health</c> of the member from its own namespace (where its node reaches it; the root namespace
    /// has no link to the testbed) until it says <c>"health":"true"</c>: the member runs, has a leader and answers a
    /// read.
    /// </summary>
    private async Task WaitForEtcdHealthAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        var uri = new Uri(member.ClientUrl + "/health");
        using var http = CreateHttpClient(_layout.NodeNamespace(member.Node), TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + Options.ReadinessTimeout;
        string lastProblem = "no answer yet";
        while (true)
        {
            if (!member.IsRunning)
            {
                throw EtcdFailure(member, $"exited (code {member.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}) before {uri} said healthy");
            }

            try
            {
                string body = await http.GetStringAsync(uri, cancellationToken).ConfigureAwait(false);
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("health", out var health) && health.GetString() == "true")
                {
                    return;
                }

                lastProblem = body.Trim();
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException
                or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = ex.Message;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw EtcdFailure(member, $"{uri} did not say healthy within {Options.ReadinessTimeout.TotalSeconds:0} s (last: {lastProblem})");
            }

            await Task.Delay(EtcdHealthPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private EtcdMember EtcdMemberOf(int node) =>
        _layout.HasEtcd
            ? _etcd[CheckNode(node) - 1]
            : throw new InvalidOperationException($"Testbed {RunId} runs no etcd (Membership = {Options.Membership}).");

    private TestbedNodeException EtcdFailure(EtcdMember member, string reason) =>
        new(member.Node, "etcd member " + reason, _layout.EtcdLogPath(member.Node), member.LogTail());
}
