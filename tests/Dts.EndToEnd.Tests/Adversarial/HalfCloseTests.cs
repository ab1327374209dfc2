using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A client that half-closes (request, then FIN) must not crash the dispatch path.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HalfCloseTests(ClusterFixture cluster)
{
    // BUG: HandoverCoordinator.CheckEligible calls TcpRepair.GetOutq/GetInfo on connection.Socket outside the
    // try/catch of TryHandOverAsync. When the client sends its request and a FIN at once, Kestrel's transport
    // has already disposed the socket by the time the dispatch middleware runs, and every such request ends
    // in "An unhandled exception was thrown by the application. System.ObjectDisposedException … SafeSocketHandle
    // … TcpRepair.GetOutq … HandoverCoordinator.CheckEligible" (3 of 10 half-closed requests; also at the end of
    // every wrk run). Any client can fill the nodes' logs with fail-level stack traces this way.
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
