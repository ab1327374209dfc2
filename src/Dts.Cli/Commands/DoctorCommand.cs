using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Dts.Linux.Doctor;

namespace Dts.Cli.Commands;

/// <summary>
/// <c>dts doctor [--netns NAME] [--vip ADDRESS]</c>: checks this machine (<see cref="NodeDoctor"/>) and prints one
/// PASS/WARN/HINT/FAIL line per item, each problem with its fix; exit 1 when an item fails.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var netns = new Option<string?>("--netns")
        {
            Description = "Check the node in this network namespace (a name under /run/netns or a path such as /proc/PID/ns/net) instead of this one.",
            HelpName = "NAME",
        };
        var vip = new Option<IPAddress?>("--vip")
        {
            Description = "The cluster's VIP (IPv4); default: the /32 address on lo outside 127.0.0.0/8.",
            HelpName = "ADDRESS",
            CustomParser = result => IPAddress.TryParse(result.Tokens.Single().Value, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetwork
                && address.ToString() == result.Tokens.Single().Value
                ? address
                : Fail(result, $"'{result.Tokens.Single().Value}' is not an IPv4 address (a.b.c.d)"),
        };
        var doctor = new Command("doctor", "Check this machine for what a node needs: kernel features (probed in a throwaway namespace), capabilities, libraries, the VIP's path and its sysctls. Exit 1 on a FAIL.")
        {
            netns,
            vip,
        };
        doctor.SetAction(parse => CliErrors.RunAsync(() =>
            Task.FromResult(Run(new NodeDoctorOptions { Namespace = parse.GetValue(netns), Vip = parse.GetValue(vip) }, Console.Out))));
        return doctor;
    }

    /// <summary>Runs the checks and prints them to <paramref name="output"/>.</summary>
    /// <returns>0 when nothing failed, 1 when a check failed.</returns>
    internal static int Run(NodeDoctorOptions options, TextWriter output)
    {
        var checks = NodeDoctor.Run(options);
        Print(checks, output);
        return NodeDoctor.Passed(checks) ? 0 : 1;
    }

    /// <summary>One line per check (status, name, detail), the fix indented under every check that is not a PASS, then a summary.</summary>
    internal static void Print(IReadOnlyList<DoctorCheck> checks, TextWriter output)
    {
        int width = checks.Max(c => c.Name.Length) + 2;
        foreach (DoctorCheck check in checks)
        {
            output.WriteLine($"{Label(check.Status),-5} {check.Name.PadRight(width)}{check.Detail}");
            if (check.Fix is string fix && check.Status != DoctorStatus.Pass)
            {
                output.WriteLine($"      {new string(' ', width)}fix: {fix}");
            }
        }

        int Count(DoctorStatus status) => checks.Count(c => c.Status == status);
        output.WriteLine($"doctor: {Count(DoctorStatus.Pass)} pass, {Count(DoctorStatus.Warn)} warn, {Count(DoctorStatus.Hint)} hint, {Count(DoctorStatus.Fail)} fail");
    }

    private static string Label(DoctorStatus status) => status switch
    {
        DoctorStatus.Pass => "PASS",
        DoctorStatus.Hint => "HINT",
        DoctorStatus.Warn => "WARN",
        _ => "FAIL",
    };

    private static IPAddress? Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }
}
