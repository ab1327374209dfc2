using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary>
/// <c>dts testbed node start|stop|kill &lt;run-id&gt; &lt;node-id&gt;</c>: one node of a testbed this process did not
/// bring up (<see cref="DtsTestbed.TryOpen"/> finds its processes through the pid files in its run directory).
/// </summary>
internal static class TestbedNodeCommand
{
    public static Command Create()
    {
        var command = new Command("node", "Start, stop (SIGTERM, wait) or kill (SIGKILL) one node of a running testbed.");
        foreach (var verb in Enum.GetValues<NodeVerb>())
        {
            command.Add(CreateVerb(verb));
        }

        return command;
    }

    /// <summary>Checks a node id argument (<c>n1</c>, <c>n2</c>, …); the error System.CommandLine reports, or null.</summary>
    internal static string? ValidateNodeId(string nodeId) =>
        DtsTestbed.TryParseNodeId(nodeId, out _) ? null : $"Node id '{nodeId}' is not a node id: n1, n2, ….";

    private static Command CreateVerb(NodeVerb verb)
    {
        var runId = new Argument<string>("run-id") { Description = "The testbed (see 'dts status')." };
        var nodeId = new Argument<string>("node-id") { Description = "The node: n1, n2, …." };
        nodeId.Validators.Add(result =>
        {
            if (ValidateNodeId(result.GetValueOrDefault<string>() ?? string.Empty) is string error)
            {
                result.AddError(error);
            }
        });

        string description = verb switch
        {
            NodeVerb.Start => "Start the node (detached; output appended to its log) and wait until /dts/health on its management port answers 200.",
            NodeVerb.Stop => "Send the node SIGTERM (it drains) and wait until it exits (SIGKILL after the grace period).",
            _ => "Kill the node with SIGKILL (a crash) and wait until it is gone.",
        };
        var command = new Command(verb.ToString().ToLowerInvariant(), description) { runId, nodeId };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() => RunAsync(verb, parse.GetValue(runId)!, parse.GetValue(nodeId)!, Console.Out, ct)));
        return command;
    }

    /// <summary>Does <paramref name="verb"/> to the node and prints what was done; 1 with a message on stderr when it can't.</summary>
    internal static async Task<int> RunAsync(NodeVerb verb, string runId, string nodeId, TextWriter output, CancellationToken cancellationToken)
    {
        await using var testbed = DtsTestbed.TryOpen(runId);
        if (testbed is null)
        {
            return await FailAsync($"no testbed '{runId}' (see 'dts status')");
        }

        if (!DtsTestbed.TryParseNodeId(nodeId, out int node) || node > testbed.NodeCount)
        {
            return await FailAsync($"testbed {runId} has nodes n1..n{testbed.NodeCount}; no '{nodeId}'");
        }

        int? pid = testbed.NodeProcessId(node);
        var stopwatch = Stopwatch.StartNew();
        switch (verb)
        {
            case NodeVerb.Start when pid is int running:
                return await FailAsync($"{nodeId} of testbed {runId} is already running (pid {running})");
            case NodeVerb.Start:
                await testbed.StartNodeAsync(node, cancellationToken);
                output.WriteLine(Invariant($"started {nodeId} of {runId}: pid {testbed.NodeProcessId(node)}, /dts/health answered 200 after {stopwatch.Elapsed.TotalSeconds:0.0} s (log {testbed.NodeLogPath(node)})"));
                return 0;
            case NodeVerb.Stop or NodeVerb.Kill when pid is null:
                return await FailAsync($"{nodeId} of testbed {runId} is not running");
            case NodeVerb.Stop:
                await testbed.StopNodeAsync(node, cancellationToken);
                output.WriteLine(Invariant($"stopped {nodeId} of {runId}: pid {pid} exited {stopwatch.Elapsed.TotalSeconds:0.0} s after SIGTERM (SIGKILL after {testbed.Options.StopGracePeriod.TotalSeconds:0} s)"));
                return 0;
            default:
                await testbed.KillNodeAsync(node, cancellationToken);
                output.WriteLine(Invariant($"killed {nodeId} of {runId}: pid {pid} (SIGKILL)"));
                return 0;
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync("dts: " + message);
        return 1;
    }
}
