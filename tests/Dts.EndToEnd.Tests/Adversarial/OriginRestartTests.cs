using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>Connections an origin handed out live on their target; the origin's restart must not touch them.</summary>
[Collection(AdversarialNodeLifecycleCollection.Name)]
public sealed class OriginRestartTests(AdversarialNodeLifecycleFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    // Regression guard (fixed): restarting an origin used to replace its nft table and empty handed_out, so it
    // owned its handed-out flows by hash again and its stack (with no socket for them) answered their next
    // segment with RST (12/12 keep-alive connections handed n1 → n3 got ECONNRESET). A restart now reconciles
    // the table and keeps the set elements.
    // Expected: connections living on n3 keep working across n1's restart.
    [RootFact]
    public async Task HandedOutKeepAliveConnections_SurviveTheOriginsRestart()
    {
        var t = cluster.Testbed;
        var handedOutByN1 = new List<KeepAliveClient>();
        var all = new List<KeepAliveClient>();
        try
        {
            for (var i = 0; i < 24 && handedOutByN1.Count < 4; i++)
            {
                var c = await KeepAliveClient.ConnectAsync(t, Bound);
                all.Add(c);
                await c.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n");
                var reply = await c.ReadResponseAsync(Bound);
                Assert.StartsWith("HTTP/1.1 200", reply);
                if (KeepAliveClient.Header(reply, "X-Dts-Origin") == "n1")
                {
                    handedOutByN1.Add(c);
                }
            }
            Assert.NotEmpty(handedOutByN1);

            await t.KillNodeAsync(1);
            await t.StartNodeAsync(1);

            var failures = new List<string>();
            foreach (var c in handedOutByN1)
            {
                await c.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n");
                var reply = await c.ReadResponseAsync(Bound);
                if (!reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || KeepAliveClient.Header(reply, "X-Dts-Node") != "n3")
                {
                    failures.Add($"port {c.LocalPort}: {reply[..Math.Min(reply.Length, 120)]}");
                }
            }
            Assert.True(failures.Count == 0,
                $"{failures.Count}/{handedOutByN1.Count} connections handed n1 → n3 broke when n1 restarted:\n{string.Join('\n', failures)}");
        }
        finally
        {
            foreach (var c in all)
            {
                c.Dispose();
            }
            if (!t.IsNodeRunning(1))
            {
                await t.StartNodeAsync(1);
            }
        }
    }
}
