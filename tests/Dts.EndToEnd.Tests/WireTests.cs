using System.Diagnostics;
using Dts.Capture;
using Dts.Core.Handover;
using Dts.EndToEnd.Tests.Infrastructure;
using Dts.Testbed.Sample;

namespace Dts.EndToEnd.Tests;

/// <summary>
/// (f) On the wire, a handover is invisible: the product's audit (Dts.Capture) of a capture on the router's switch leg
/// finds one SYN-ACK per flow, nothing from the origin after the target took over, TSvals the client's PAWS accepts,
/// valid checksums and a continuous sequence space; and no RST at all.
/// </summary>
public abstract class WireTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task Capture_HandedOverConnections_AuditClean()
    {
        var t = cluster.Testbed;
        await using var capture = await RouterCapture.StartAsync(t, "eth0", t.VipCaptureFilter);
        for (var i = 0; i < 12; i++)
        {
            var r = await t.RunInClientAsync("curl", ["-s", "-m", "10", "-o", "/dev/null", $"http://{t.Vip}/api/bytes/{(i % 3 == 0 ? 1 << 20 : 100)}"], TimeSpan.FromSeconds(15));
            Assert.True(r.Succeeded, r.StandardError);
        }
        var report = await capture.AuditAsync();
        var names = await t.NodeMacAddressesAsync();
        Assert.Equal(0, capture.Dropped); // the capture saw every frame: a gap would be the capture's, not the product's

        Assert.True(report.Clean, string.Join("\n", report.Violations));
        Assert.Equal(12, report.Flows.Count);
        Assert.All(report.Flows, f => Assert.True(f.ServerResets == 0 && f.ClientResets == 0, $"RST on {f.Name}"));
        Assert.All(report.Flows, f => Assert.Equal(1, f.SynAcks));
        Assert.All(report.Flows, f => Assert.All(f.Owners, mac => Assert.True(names.ContainsKey(mac), $"{CaptureAudit.Describe(mac)} is no node's MAC")));
        var handedOver = report.Flows.Where(f => f.HandedOver).ToList();
        Assert.True(handedOver.Count > 0, "no connection out of 12 was handed over");
        foreach (var flow in handedOver)
        {
            // One handover; the origin answered the handshake and sent no byte of the response, the target sent it all.
            Assert.Equal(2, flow.Owners.Count);
            Assert.Equal(0, flow.PayloadBytesByOwner[0]);
            Assert.True(flow.PayloadBytesByOwner[1] > 0, $"{flow.Name}: the target sent nothing");
            if (cluster.Mechanism == HandoverMechanism.Splice)
            {
                // The translator leaves complete checksums: the audit judged them, not skipped them as offloaded.
                // (Repair's segments leave the nodes' veths with the checksum left to offload: nothing to judge.)
                Assert.True(flow.ChecksumsVerified > 0, $"{flow.Name}: no checksum verified");
            }
        }
    }

    /// <summary>The operator's way: <c>dts capture &lt;run-id&gt;</c> until Ctrl+C, then <c>dts capture --audit FILE &lt;run-id&gt;</c>.</summary>
    [RootFact]
    public async Task DtsCapture_RecordsTheVip_AuditExitsZeroAndNamesTheNodes()
    {
        var t = cluster.Testbed;
        var file = Path.Combine(t.RunDirectory, $"cli-capture-{Guid.NewGuid():N}.pcap");
        var dts = Path.Combine(SampleNodeProgram.Locate().RepositoryRoot, "src/Dts.Cli/bin/Release/net10.0/dts.dll");
        try
        {
            using var record = Process.Start(new ProcessStartInfo("dotnet", [dts, "capture", t.RunId, "--seconds", "120", "--out", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var started = await record.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (started?.StartsWith("capture: recording eth0 in ", StringComparison.Ordinal) != true)
            {
                Assert.Fail($"{started}\n{await record.StandardError.ReadToEndAsync()}");
            }
            for (var i = 0; i < 6; i++)
            {
                var r = await t.RunInClientAsync("curl", ["-s", "-m", "10", "-o", "/dev/null", $"http://{t.Vip}/api/bytes/{100 + i}"], TimeSpan.FromSeconds(15));
                Assert.True(r.Succeeded, r.StandardError);
            }
            using (var interrupt = Process.Start("kill", ["-INT", record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }
            await record.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var recorded = await record.StandardOutput.ReadToEndAsync();
            Assert.True(record.ExitCode == 0, recorded + await record.StandardError.ReadToEndAsync());
            Assert.Matches(@"capture: [1-9]\d* packets written to .*, 0 dropped by the kernel", recorded);

            using var audit = Process.Start(new ProcessStartInfo("dotnet", [dts, "capture", "--audit", file, t.RunId]) { RedirectStandardOutput = true })!;
            var output = await audit.StandardOutput.ReadToEndAsync();
            await audit.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(audit.ExitCode == 0, output);
            Assert.Contains("6 TCP flows", output);
            Assert.EndsWith("audit: clean", output.TrimEnd());
            Assert.Matches(@"server n\d \([0-9a-f:]{17}\) → n\d \([0-9a-f:]{17}\) at packet \d+", output); // a handover, nodes named
        }
        finally
        {
            File.Delete(file);
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class WireTestsRepair(ClusterFixture cluster) : WireTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class WireTestsSplice(SpliceClusterFixture cluster) : WireTests(cluster);
