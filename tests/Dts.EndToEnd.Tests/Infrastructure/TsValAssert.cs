using Dts.Core.Tcp;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>What the client's PAWS check (RFC 7323 §5) needs from the VIP's timestamps in a capture.</summary>
internal static class TsValAssert
{
    /// <summary>
    /// Linux's PAWS tolerance (<c>TCP_PAWS_WINDOW</c> = 1 tick, include/net/tcp.h). A kernel's own stream can step
    /// back by a tick under loss: paced segments carry their departure time, a retransmission the current time —
    /// seen in a Repair flow, whose egress DTS never touches.
    /// </summary>
    private const int PawsWindow = 1;

    /// <summary>
    /// Across the handover (segment <paramref name="handoverIndex"/> is the target's first), no TSval of the target
    /// is below any of the origin's; and no step back anywhere exceeds what the client's PAWS check accepts.
    /// </summary>
    public static void MonotonicAcrossHandover(IReadOnlyList<RouterCapture.Segment> fromVip, int handoverIndex)
    {
        var ts = fromVip.Select((s, i) => (s.TsVal, i)).Where(t => t.TsVal is not null).Select(t => (Value: new SeqNum(t.TsVal!.Value), t.i)).ToList();
        var origin = ts.Where(t => t.i < handoverIndex).Select(t => t.Value).ToList();
        var target = ts.Where(t => t.i >= handoverIndex).Select(t => t.Value).ToList();
        if (origin.Count > 0 && target.Count > 0)
        {
            var last = origin.Aggregate((a, b) => b >= a ? b : a);
            Assert.All(target, v => Assert.True(v >= last, $"target TSval {v} below the origin's {last}"));
        }
        Assert.All(ts.Zip(ts.Skip(1)), p => Assert.True(p.Second.Value - p.First.Value >= -PawsWindow,
            $"TSval {p.First.Value} then {p.Second.Value}: back by more than the PAWS window"));
    }
}
