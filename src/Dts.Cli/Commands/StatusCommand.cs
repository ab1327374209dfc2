using System.CommandLine;
using Dts.Testbed;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary>
/// <c>dts status [run-id]</c>: the testbeds on this machine and, for each, one line per node: its process, its etcd
/// member, and its view of the membership from <c>/dts/stats</c> (fetched from the client namespace).
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var runId = new Argument<string?>("run-id") { Description = "Only this testbed.", Arity = ArgumentArity.ZeroOrOne };
        var status = new Command("status", "List the testbeds on this machine with each node's process, etcd member and membership view.") { runId };
        status.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var testbeds = DtsTestbed.List();
            if (parse.GetValue(runId) is string id)
            {
                testbeds = [.. testbeds.Where(t => t.RunId == id)];
                if (testbeds.Count == 0)
                {
                    await Console.Error.WriteLineAsync($"dts: no testbed '{id}'");
                    return 1;
                }
            }

            TestbedPrinter.PrintList(testbeds);
            foreach (var info in testbeds.Where(t => t.NodeCount is > 0 && !t.IsLeftover))
            {
                await PrintNodesAsync(info, ct);
            }

            return 0;
        }));
        return status;
    }

    private static async Task PrintNodesAsync(TestbedInfo info, CancellationToken cancellationToken)
    {
        DtsTestbed? testbed;
        try
        {
            testbed = DtsTestbed.TryOpen(info.RunId);
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"{info.RunId}: {ex.Message}");
            return;
        }

        if (testbed is null)
        {
            return;
        }

        await using (testbed)
        {
            using var http = testbed.CreateClientHttpClient(StatsTimeout);
            var lines = await Task.WhenAll(Enumerable.Range(1, testbed.NodeCount).Select(i => NodeLineAsync(testbed, http, i, cancellationToken)));
            Console.WriteLine($"{info.RunId}: membership {testbed.Options.Membership}, {testbed.Options.Buckets} buckets");
            foreach (string line in lines)
            {
                Console.WriteLine(line);
            }
        }
    }

    private static async Task<string> NodeLineAsync(DtsTestbed testbed, HttpClient http, int node, CancellationToken cancellationToken)
    {
        string process = testbed.NodeProcessId(node) is int pid ? $"running pid {pid}" : "not running";
        string etcd = testbed.EtcdEndpoints.Count == 0 ? string.Empty : testbed.IsEtcdMemberRunning(node) ? "etcd up" : "etcd DOWN";
        string view;
        if (!testbed.IsNodeRunning(node))
        {
            view = string.Empty;
        }
        else
        {
            try
            {
                string json = await http.GetStringAsync(testbed.ManagementUri(node, "/dts/stats"), cancellationToken);
                view = TestbedPrinter.FormatMembership(DtsStatsReader.Parse(json).Membership);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                view = "stats: " + (ex is TaskCanceledException ? $"no answer within {StatsTimeout.TotalSeconds:0} s" : ex.Message);
            }
        }

        return $"  {testbed.NodeId(node),-4} {process,-17} {etcd,-9} {view}".TrimEnd();
    }
}
