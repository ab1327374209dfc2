using System.CommandLine;
using Dts.Core.Handover;
using Dts.Demo;

namespace Dts.Cli.Commands;

/// <summary><c>dts demo</c>: the main job — a cluster, real clients, a report (Dts.Demo's <see cref="DemoRunner"/>).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var mechanism = new Option<HandoverMechanism>("--mechanism", "-m") { Description = "Handover mechanism.", DefaultValueFactory = _ => HandoverMechanism.Repair };
        mechanism.AcceptOnlyFromAmong(Enum.GetNames<HandoverMechanism>());
        var nodes = new Option<int>("--nodes", "-n") { Description = "Number of nodes.", DefaultValueFactory = _ => 3 };
        var quick = new Option<bool>("--quick") { Description = "Shorter load: 2 s per wrk run, fewer downloads and uploads (about half the time)." };
        var keep = new Option<bool>("--keep") { Description = "Leave the testbed up afterwards (remove it with 'dts testbed down <run-id>')." };

        var demo = new Command("demo", "Bring a cluster up, drive curl and wrk through it from a client namespace, print a report, tear it down. "
            + "Ends with 'dts-demo: requests=… handovers=… fallbacks=… errors=… bytes_ok=… failover_ms=…'; exit code 1 on any error.")
        {
            mechanism, nodes, quick, keep,
        };

        // A synchronous action: System.CommandLine's own Ctrl+C handling would return 2 s after cancelling, cutting
        // the teardown short. Here the signal only cancels the demo, which then removes the testbed and returns.
        demo.SetAction(parse => CliErrors.RunAsync(async () =>
        {
            var options = (parse.GetValue(quick) ? DemoOptions.CreateQuick() : DemoOptions.CreateFull()) with
            {
                Mechanism = parse.GetValue(mechanism),
                NodeCount = parse.GetValue(nodes),
                Keep = parse.GetValue(keep),
            };
            var runner = new DemoRunner(options, Console.Out);

            return await CancelOnSignal.RunAsync("demo", async ct =>
            {
                await Leftovers.RemoveAsync(Console.Out, ct);
                return (await runner.RunAsync(ct)).ExitCode;
            });
        }).GetAwaiter().GetResult());
        return demo;
    }
}
