using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>
/// A client reuses a source port (normal for busy clients: Linux picks ports sequentially per destination,
/// and after a server-side close the port is free at once) while the nft elements of the port's previous,
/// handed-over connection are still alive (FlowIdleTimeout, 10 min; refreshed by every packet).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PortReuseTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    // Regression guard (fixed): stale nft elements black-holed a reused client port. Connection 1 from port P
    // (n2 owns P by hash) was handed n2 → n3, leaving handed_out{P} on n2 and handed_in{P} on n3; connection 2
    // from P, dispatched n3 → n2, was then dropped by n2's handed_out both ways and the client hung (under
    // `wrk -H "Connection: close" /whoami` throughput fell from ~1750 to ~28 req/s).
    // Expected: connection 2 is answered by n2 within the bound.
    [RootFact]
    public async Task SameClientPort_HandedBackToItsFormerOrigin_IsAnswered()
    {
        var t = cluster.Testbed;
        // Ports below the client's ephemeral range, so no other test's connection collides with them.
        var first = 20000 + (Environment.ProcessId % 500) * 20;
        for (var port = first; port < first + 20; port++)
        {
            string reply1;
            using (var c1 = await KeepAliveClient.ConnectAsync(t, Bound, port))
            {
                await c1.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
                reply1 = await c1.ReadResponseAsync(Bound);
            }
            Assert.StartsWith("HTTP/1.1 200", reply1);
            if (KeepAliveClient.Header(reply1, "X-Dts-Origin") != "n2")
            {
                continue; // owned by n1 or n3: try the next port
            }

            await Task.Delay(300); // the client side of connection 1 has left LAST_ACK
            using var c2 = await KeepAliveClient.ConnectAsync(t, Bound, port);
            await c2.SendAsync("GET /static/x HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n");
            var reply2 = await c2.ReadResponseAsync(Bound);
            Assert.True(reply2.StartsWith("HTTP/1.1 ", StringComparison.Ordinal),
                $"port {port}: the second connection got no answer within {Bound}: {reply2}\n{cluster.Logs()}");
            Assert.Equal("n2", KeepAliveClient.Header(reply2, "X-Dts-Node"));
            return;
        }
        Assert.Fail("no port out of 20 was owned by n2 and handed to n3");
    }
}
