using System.CommandLine;
using Dts.Core.Handover;
using Dts.Testbed;
using Dts.Testbed.Sample;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary><c>dts testbed up|down|node</c>: a cluster in network namespaces that outlives this command.</summary>
internal static class TestbedCommand
{
    public static Command Create()
    {
        var command = new Command("testbed", "Bring a testbed (switch, nodes with their etcd members, router, client in network namespaces) up or down; start, stop or kill one of its nodes.");
        command.Add(CreateUp());
        command.Add(CreateDown());
        command.Add(TestbedNodeCommand.Create());
        return command;
    }

    private static Command CreateUp()
    {
        var nodes = new Option<int>("--nodes", "-n") { Description = "Number of nodes.", DefaultValueFactory = _ => 3 };
        var mechanism = new Option<HandoverMechanism>("--mechanism", "-m") { Description = "Handover mechanism.", DefaultValueFactory = _ => HandoverMechanism.Repair };
        mechanism.AcceptOnlyFromAmong(Enum.GetNames<HandoverMechanism>());
        var nodeCommand = new Option<string?>("--node-command")
        {
            Description = "Node program and arguments, split on spaces (default: dotnet <repo>/samples/Dts.Sample.Web/bin/Release/net10.0/Dts.Sample.Web.dll).",
        };
        var noNodes = new Option<bool>("--no-nodes") { Description = "Build the network only; start no node processes." };
        var seed = new Option<uint>("--seed") { Description = "Flow hash seed.", DefaultValueFactory = _ => 0x5eed };
        var membership = new Option<TestbedMembership>("--membership")
        {
            Description = "Etcd: an etcd member in every node namespace, nodes hold leases there; Static: no etcd, every node assumed alive.",
            DefaultValueFactory = _ => TestbedMembership.Etcd,
        };
        membership.AcceptOnlyFromAmong(Enum.GetNames<TestbedMembership>());

        var up = new Command("up", "Bring a testbed up and keep it (detached) until 'dts testbed down'.") { nodes, mechanism, nodeCommand, noNodes, seed, membership };
        up.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var options = new TestbedOptions
            {
                NodeCount = parse.GetValue(nodes),
                Mechanism = parse.GetValue(mechanism),
                HashSeed = parse.GetValue(seed),
                Membership = parse.GetValue(membership),
            };
            options = parse.GetValue(noNodes) ? options : WithNodeCommand(options, parse.GetValue(nodeCommand));

            var testbed = await DtsTestbed.UpAsync(options, ct);
            testbed.Detach();
            TestbedPrinter.PrintUp(testbed);
            return 0;
        }));
        return up;
    }

    private static Command CreateDown()
    {
        var all = new Option<bool>("--all") { Description = "Remove every dts testbed on this machine, including live and detached ones of other users." };
        var leftovers = new Option<bool>("--leftovers") { Description = "Remove only leftovers of crashed runs (whose owner process is gone); keep every live or detached testbed (the default)." };
        var runId = new Argument<string?>("run-id") { Description = "Remove this testbed (one that 'up' started, for instance).", Arity = ArgumentArity.ZeroOrOne };

        var down = new Command("down", "Remove one testbed by its run id; without one, only leftovers of crashed runs (testbeds are machine-wide: "
            + "another user's detached testbed is never removed without its id or --all).") { all, leftovers, runId };
        down.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var removed = new List<string>();
            if (parse.GetValue(runId) is string id)
            {
                if (!await DtsTestbed.RemoveAsync(id, ct))
                {
                    await Console.Error.WriteLineAsync($"dts: no testbed '{id}'");
                    return 1;
                }

                removed.Add(id);
            }
            else
            {
                removed.AddRange(await DtsTestbed.CleanupAsync(parse.GetValue(all), ct));
                var kept = DtsTestbed.List().Where(t => t.IsDetached).Select(t => t.RunId).ToList();
                if (kept.Count > 0)
                {
                    Console.WriteLine($"kept (detached; remove one with 'testbed down <run-id>'): {string.Join(' ', kept)}");
                }
            }

            Console.WriteLine(removed.Count == 0 ? "no testbed to remove" : $"removed: {string.Join(' ', removed)}");
            return 0;
        }));
        return down;
    }

    private static TestbedOptions WithNodeCommand(TestbedOptions options, string? nodeCommand)
    {
        if (nodeCommand is not null)
        {
            return options with { NodeCommand = nodeCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries) };
        }

        var sample = SampleNodeProgram.Locate();
        if (!sample.Exists)
        {
            throw new InvalidOperationException(
                $"The sample node program is not built: {sample.DllPath}\nBuild it (./dts.sh builds Release) or pass --node-command or --no-nodes.");
        }

        return options with { NodeCommand = sample.Command, NodeWorkingDirectory = sample.WorkingDirectory };
    }
}
