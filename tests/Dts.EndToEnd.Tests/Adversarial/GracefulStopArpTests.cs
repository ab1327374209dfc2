using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A gracefully stopped node must not take the VIP away from the others.</summary>
[Collection(AdversarialNodeLifecycleCollection.Name)]
public sealed class GracefulStopArpTests(AdversarialNodeLifecycleFixture cluster)
{
    // Regression guard (fixed): a gracefully stopped node used to delete its "arp dts_arp" table while the VIP
    // stayed on its lo, so its kernel answered the router's next ARP request for the VIP with its own unicast MAC
    // and pulled every VIP frame to itself (6/6 requests failed while it was down; the router kept the unicast
    // MAC for minutes after). The tables now stay when a node stops.
    // Expected: the router's neighbour entry for the VIP stays the multicast MAC.
    [RootFact]
    public async Task StoppedNode_DoesNotAnswerArpForTheVip()
    {
        var t = cluster.Testbed;
        try
        {
            await t.StopNodeAsync(2);
            // What the router does when its entry goes stale: ask again.
            await t.RunInNamespaceAsync(t.RouterNamespace, "ip", ["neigh", "flush", t.Vip.ToString()], TimeSpan.FromSeconds(5));
            for (var i = 0; i < 3; i++)
            {
                await t.RunInClientAsync("curl", ["-s", "-o", "/dev/null", "-m", "2", $"http://{t.Vip}/api/whoami"], TimeSpan.FromSeconds(5));
            }
            var neigh = await t.RunInNamespaceAsync(t.RouterNamespace, "ip", ["neigh", "show", t.Vip.ToString()], TimeSpan.FromSeconds(5));
            Assert.Contains(t.VipMulticastMac.ToLowerInvariant(), neigh.StandardOutput.ToLowerInvariant());
        }
        finally
        {
            if (!t.IsNodeRunning(2))
            {
                await t.StartNodeAsync(2);
            }
            // Leave the testbed as it was: the router learns the multicast MAC again.
            await t.RunInNamespaceAsync(t.RouterNamespace, "ip", ["neigh", "flush", t.Vip.ToString()], TimeSpan.FromSeconds(5));
        }
    }
}
