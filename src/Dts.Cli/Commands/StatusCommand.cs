using System.CommandLine;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary><c>dts status</c>: the testbeds on this machine.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var status = new Command("status", "List the testbeds on this machine.");
        status.SetAction(_ =>
        {
            TestbedPrinter.PrintList(DtsTestbed.List());
            return 0;
        });
        return status;
    }
}
