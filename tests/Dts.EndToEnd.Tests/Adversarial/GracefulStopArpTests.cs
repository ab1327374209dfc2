using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A gracefully stopped node must not take the VIP away from the others.</summary>
[Collection(AdversarialNodeLifecycleCollection.Name)]
public sealed class GracefulStopArpTests(AdversarialNodeLifecycleFixture cluster)
{
    // BUG: a gracefully stopped node answers ARP for the VIP with its own unicast MAC and takes the VIP over.
    // FlowOwnership.StopAsync → NftFlowTable.Uninstall() deletes "arp dts_arp" (the rule that rewrites the
    // VIP's ARP replies to the multicast MAC), but the VIP stays on the node's lo and arp_ignore is 0 (neither
    // AddDts() nor the testbed sets it), so the stopped node's kernel answers the router's next ARP request
    // for the VIP with its real MAC. The router then sends every VIP frame to the stopped node only: 6/6
    // requests failed while it was down, and after it started again the router kept the unicast MAC
    // (REACHABLE for > 2 minutes observed) and only that node's jhash share (~1/3) was answered.
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
