using Dts.Capture;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>Many short connections, each handed over (or not) and closed, while a node restarts.</summary>
[Collection(AdversarialNodeLifecycleCollection.Name)]
public sealed class ConnectionChurnTests(AdversarialNodeLifecycleFixture cluster)
{
    // wrk -c 64 with Connection: close on /api for 20 s (~1000 new connections a second, two thirds handed over to n3,
    // each ending with the handed_out → closed set updates) while n1 stops gracefully and starts again. The capture
    // on the router sees every segment: a node that resets a connection (one it handed away, or one it does not own)
    // would show as an RST from the VIP.
    [RootFact]
    public async Task Wrk64NewConnectionsWithClose_OriginRestarts_NoNodeSendsRst()
    {
        var t = cluster.Testbed;
        await using var capture = await RouterCapture.StartAsync(t, "eth0", $"tcp port {t.Port} and host {t.Vip}");
        var wrk = t.RunInClientAsync("wrk",
            ["-t", "4", "-c", "64", "-d", "20s", "--timeout", "5s", "-H", "Connection: close", $"http://{t.Vip}/api/whoami"], TimeSpan.FromSeconds(40));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            await t.StopNodeAsync(1);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await t.StartNodeAsync(1);
        }
        finally
        {
            if (!t.IsNodeRunning(1))
            {
                await t.StartNodeAsync(1);
            }
        }
        var result = await wrk;
        var report = await capture.AuditAsync();

        Assert.Contains("requests in", result.StandardOutput);
        var resets = report.Flows.Where(f => f.ServerResets > 0).ToList();
        Assert.True(resets.Count == 0, $"{resets.Count} flows with an RST from a node during the churn: "
            + string.Join(", ", resets.Take(10).Select(f => $"{f.Name} from {string.Join("/", f.Owners.Select(m => CaptureAudit.Describe(m)))}")) + "\n" + result.StandardOutput);
    }
}
