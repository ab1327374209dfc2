using Dts.Core.Handover;
using Dts.Core.Tcp;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests;

/// <summary>(f) On the wire, a handover is invisible: one SYN-ACK, no RST, and nothing from the origin after the target took over.</summary>
public abstract class WireTests(ClusterFixture cluster)
{
    [RootFact]
    public async Task Capture_HandedOverConnections_NoRstNoOriginFinNoSecondSynAck()
    {
        var t = cluster.Testbed;
        await using var capture = await Capture.StartAsync(t, "eth0", $"tcp port {t.Port} and host {t.Vip}");
        for (var i = 0; i < 12; i++)
        {
            var r = await t.RunInClientAsync("curl", ["-s", "-m", "10", "-o", "/dev/null", $"http://{t.Vip}/api/bytes/{(i % 3 == 0 ? 1 << 20 : 100)}"], TimeSpan.FromSeconds(15));
            Assert.True(r.Succeeded, r.StandardError);
        }
        var segments = await capture.StopAsync();

        var flows = segments.GroupBy(s => s.Source.Equals(t.Vip) ? s.DestinationPort : s.SourcePort).ToList();
        Assert.Equal(12, flows.Count);
        Assert.DoesNotContain(segments, s => s.Rst);
        var handedOver = 0;
        foreach (var flow in flows)
        {
            var fromVip = flow.Where(s => s.Source.Equals(t.Vip)).ToList();
            var synAcks = fromVip.Where(s => s.Syn && s.Ack).ToList();
            Assert.Single(synAcks);
            var originMac = synAcks[0].SourceMac;
            var firstOfTarget = fromVip.FindIndex(s => s.SourceMac != originMac);
            if (firstOfTarget < 0)
            {
                continue; // the origin was the target: no handover
            }
            handedOver++;
            Assert.All(fromVip.Skip(firstOfTarget), s => Assert.NotEqual(originMac, s.SourceMac));
            Assert.DoesNotContain(fromVip, s => s.SourceMac == originMac && (s.Fin || s.PayloadLength > 0));
            Assert.Single(fromVip.Select(s => s.SourceMac).Distinct(), m => m != originMac);

            // TSval never goes backwards across the handover (RFC 7323 §5.3: the client's PAWS would drop it).
            TsValAssert.MonotonicAcrossHandover(fromVip, firstOfTarget);
            if (cluster.Mechanism == HandoverMechanism.Splice)
            {
                // Every packet the target sent went through the translator, which leaves a complete checksum.
                // tcpdump sees packets after GRO: a merged packet (longer than one frame) carries a stale header
                // checksum by design, so only single segments are checked.
                var single = fromVip.Skip(firstOfTarget).Where(s => s.FitsOneFrame).ToList();
                Assert.NotEmpty(single);
                Assert.All(single, s => Assert.True(s.ChecksumValid, "a translated segment has a bad checksum"));
            }
        }
        Assert.True(handedOver > 0, "no connection out of 12 was handed over");
    }
}

[Collection(ClusterCollection.Name)]
public sealed class WireTestsRepair(ClusterFixture cluster) : WireTests(cluster);

[Collection(SpliceClusterCollection.Name)]
public sealed class WireTestsSplice(SpliceClusterFixture cluster) : WireTests(cluster);
