using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A client that half-closes (request, then FIN) must not crash the dispatch path.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HalfCloseTests(ClusterFixture cluster)
{
    // Regression guard (fixed): a client that sent its request and a FIN at once made the origin's eligibility
    // check read TCP state from a socket Kestrel had already disposed, and every such request ended in an
    // unhandled ObjectDisposedException at fail level (3 of 10 half-closed requests; the end of every wrk run).
    // Expected: a disposed socket is "not eligible" (or the request is just dropped), without an unhandled exception.
    [RootFact]
    public async Task RequestThenFin_NoUnhandledExceptionInDispatch()
    {
        var t = cluster.Testbed;
        for (var i = 0; i < 20; i++)
        {
            using var c = await KeepAliveClient.ConnectAsync(t, TimeSpan.FromSeconds(5));
            await c.SendAsync("GET /api/whoami HTTP/1.1\r\nHost: vip\r\n\r\n");
            c.ShutdownSend();
            await c.ReadResponseAsync(TimeSpan.FromSeconds(2));
        }
        await Task.Delay(500);
        for (var node = 1; node <= t.NodeCount; node++)
        {
            var log = t.NodeLogTail(node, 2000);
            Assert.False(
                log.Contains("ObjectDisposedException", StringComparison.Ordinal) && log.Contains("CheckEligible", StringComparison.Ordinal),
                $"n{node} logged an unhandled ObjectDisposedException from HandoverCoordinator.CheckEligible:\n{t.NodeLogTail(node, 30)}");
        }
    }
}
