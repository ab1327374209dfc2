using System.CommandLine;
using Dts.Cli.Commands;

namespace Dts.Cli;

/// <summary>
/// The <c>dts</c> command tree. Each command lives in its own file under <c>Commands/</c> and only parses
/// arguments, calls Dts.Testbed, Dts.Demo or Dts.Bench and prints; new commands (<c>demo</c>, <c>bench</c>) are one more
/// <c>Add</c> here.
/// </summary>
internal static class CliApplication
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Dts.Web: layer-7 load balancing without a proxy in the data path — testbed and tools.");
        root.Add(TestbedCommand.Create());
        root.Add(StatusCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(BenchCommand.Create());
        root.Add(DoctorCommand.Create());
        root.Add(CaptureCommand.Create());
        return root;
    }
}
