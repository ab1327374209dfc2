using System.CommandLine;
using System.Globalization;
using System.Net.NetworkInformation;
using Dts.Capture;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Cli.Commands;

/// <summary>
/// <c>dts capture [run-id] --seconds N --out FILE [--interface NAME] [--netns NAME] [--filter BPF]</c> records frames
/// into a pcap file (<see cref="WireRecording"/>): on a testbed, the VIP's traffic on the router's switch leg; on a
/// real node, the interface named. <c>dts capture --audit FILE [run-id]</c> checks a capture (<see cref="CaptureAudit"/>)
/// and exits 2 when a flow violates what a handed-over connection must look like.
/// </summary>
internal static class CaptureCommand
{
    /// <summary>Exit code when the audit found a violation (1 is an error: no file, not a capture, …).</summary>
    internal const int ViolationsExitCode = 2;

    public static Command Create()
    {
        var runId = new Argument<string?>("run-id")
        {
            Description = "The testbed (see 'dts status'): capture its VIP's traffic on the router's switch leg; with --audit, name its nodes by MAC.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var seconds = new Option<double?>("--seconds") { Description = "How long to record (s; default 10); Ctrl+C stops earlier and keeps the file." };
        var output = new Option<string?>("--out") { Description = "The pcap file to write (Wireshark, tcpdump -r and --audit read it)." };
        var interfaceName = new Option<string?>("--interface") { Description = "The interface to record (default on a testbed: the router's eth0)." };
        var netns = new Option<string?>("--netns") { Description = "Record in this network namespace (a name under /run/netns)." };
        var filter = new Option<string?>("--filter") { Description = "BPF filter in tcpdump's syntax (default on a testbed: 'tcp port <port> and host <VIP>'; else 'tcp')." };
        var audit = new Option<string?>("--audit") { Description = "Audit this capture instead of recording: per TCP flow one SYN-ACK, nothing from a node after it gave the flow away, TSval, checksums, sequence continuity." };

        var capture = new Command("capture", "Record a Wireshark-readable pcap of the VIP's traffic (testbed) or of an interface (--interface), or audit one (--audit FILE; exit 2 on a violation).")
        {
            runId, seconds, output, interfaceName, netns, filter, audit,
        };
        capture.Validators.Add(result =>
        {
            bool auditing = result.GetValue(audit) is not null;
            if (!auditing && result.GetValue(output) is null)
            {
                result.AddError("--out FILE is required to record (or --audit FILE to audit).");
            }

            if (!auditing && result.GetValue(runId) is null && result.GetValue(interfaceName) is null)
            {
                result.AddError("give a testbed run-id or --interface NAME to record.");
            }

            if (result.GetValue(seconds) is <= 0 or double.NaN or double.PositiveInfinity)
            {
                result.AddError("--seconds must be positive.");
            }
        });
        capture.SetAction((parse, ct) => CliErrors.RunAsync(() =>
        {
            if (parse.GetValue(audit) is string file)
            {
                return AuditAsync(file, parse.GetValue(runId), Console.Out, ct);
            }

            var request = new RecordRequest(parse.GetValue(runId), parse.GetValue(output)!, TimeSpan.FromSeconds(parse.GetValue(seconds) ?? 10),
                parse.GetValue(interfaceName), parse.GetValue(netns), parse.GetValue(filter));
            return CancelOnSignal.RunAsync("capture", signal => RecordAsync(request, Console.Out, signal));
        }));
        return capture;
    }

    /// <summary>What to record: a testbed's VIP traffic (<paramref name="RunId"/>) or an interface.</summary>
    internal sealed record RecordRequest(string? RunId, string Output, TimeSpan Duration, string? Interface = null, string? Netns = null, string? Filter = null);

    /// <summary>Records as <paramref name="request"/> says and prints the frame count; 1 with a message when the testbed is unknown.</summary>
    internal static async Task<int> RecordAsync(RecordRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        string? ns = request.Netns;
        string interfaceName = request.Interface ?? DtsTestbed.RouterSwitchInterface;
        string filter = request.Filter ?? "tcp";
        if (request.RunId is string id)
        {
            await using var testbed = DtsTestbed.TryOpen(id);
            if (testbed is null)
            {
                await Console.Error.WriteLineAsync($"dts: no testbed '{id}' (see 'dts status')");
                return 1;
            }

            ns ??= testbed.RouterNamespace;
            filter = request.Filter ?? testbed.VipCaptureFilter;
        }

        string where = ns is null ? interfaceName : $"{interfaceName} in {ns}";
        await using var recording = WireRecording.Start(interfaceName, request.Output, filter, ns);
        await output.WriteLineAsync($"capture: recording {where} ({filter}) for {request.Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s into {request.Output}");
        await output.FlushAsync(CancellationToken.None);
        try
        {
            await Task.Delay(request.Duration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C/SIGTERM: keep what was recorded
        }

        int packets = await recording.StopAsync();
        await output.WriteLineAsync($"capture: {packets} packets written to {request.Output}, {recording.Dropped} dropped by the kernel");
        return 0;
    }

    /// <summary>Audits <paramref name="file"/>, prints a line per flow and every violation; 0 clean, <see cref="ViolationsExitCode"/> otherwise.</summary>
    internal static async Task<int> AuditAsync(string file, string? runId, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<PhysicalAddress, string> names = new Dictionary<PhysicalAddress, string>();
        if (runId is not null)
        {
            await using var testbed = DtsTestbed.TryOpen(runId);
            if (testbed is null)
            {
                await Console.Error.WriteLineAsync($"dts: no testbed '{runId}' (see 'dts status')");
                return 1;
            }

            names = await testbed.NodeMacAddressesAsync(cancellationToken);
        }

        var report = CaptureAudit.Run(file, new AuditOptions { NodeNames = names });
        Print(report, names, output);
        return report.Clean ? 0 : ViolationsExitCode;
    }

    private static void Print(AuditReport report, IReadOnlyDictionary<PhysicalAddress, string> names, TextWriter output)
    {
        var i = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(i,
            $"audit {report.File}: {report.Packets} packets, {report.Flows.Count} TCP flows, {report.Flows.Count(f => f.HandedOver)} handed over"));
        foreach (var flow in report.Flows)
        {
            string owners = string.Join(" → ", flow.Owners.Select((mac, k) =>
                k == 0 ? CaptureAudit.Describe(mac, names) : string.Create(i, $"{CaptureAudit.Describe(mac, names)} at packet {flow.OwnerFirstPackets[k]}")));
            string bytes = string.Join(" + ", flow.PayloadBytesByOwner.Select(b => b.ToString(i)));
            output.WriteLine(string.Create(i,
                $"  {flow.Name}  from packet {flow.FirstPacket}, {flow.Packets} packets, {flow.SynAcks} SYN-ACK, server {owners}, payload {bytes} bytes, checksums {flow.ChecksumsVerified} ok {flow.ChecksumsNotJudged} offloaded/merged, RST {flow.ServerResets} server {flow.ClientResets} client: {(flow.Violations.Count == 0 ? "OK" : $"{flow.Violations.Count} VIOLATIONS")}"));
        }

        foreach (var violation in report.Violations)
        {
            output.WriteLine("VIOLATION " + violation);
        }

        output.WriteLine(report.Clean ? "audit: clean" : string.Create(i, $"audit: {report.Violations.Count} violations"));
    }
}
