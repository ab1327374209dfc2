using System.Net;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Handover;
using Dts.Core.Handover;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Tests.Control;

/// <summary>The domain's handover types cross the control channel as protobuf and come back unchanged.</summary>
public sealed class HandoverMessagesTests
{
    [Fact]
    public void TryReadOffer_OfToRequest_GivesBackTheOffer()
    {
        var offer = new HandoverOffer("h1", "n1", HandoverMechanism.Splice,
            new FlowKey(new IPEndPoint(IPAddress.Parse("198.19.0.2"), 40001), new IPEndPoint(IPAddress.Parse("198.18.0.100"), 80)),
            new HandoverState(new TcpRepairState
            {
                SendSeq = new SeqNum(0xfffffff0), RecvSeq = new SeqNum(7), SendQueue = new byte[] { 1, 2 }, RecvQueue = new byte[] { 3, 4, 5 },
                Mss = 1448, SndWscale = 7, RcvWscale = 9, WindowScaling = true, SackPermitted = true, Timestamps = true, TsVal = 123456,
                Window = new TcpRepairWindow { snd_wl1 = 1, snd_wnd = 2, max_window = 3, rcv_wnd = 4, rcv_wup = 5 },
            }, new byte[] { 0x45, 0, 0, 40 }),
            new DateTimeOffset(2026, 12, 2, 1, 2, 3, TimeSpan.Zero).AddTicks(4_560), // µs precision on the wire
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "dts=1");

        var request = HandoverMessages.ToRequest(offer);
        Assert.True(HandoverMessages.TryReadOffer(request, out var back, out var reason), reason);

        Assert.Equal("Splice", request.Mechanism);
        Assert.Equal((offer.HandoverId, offer.OriginNode, offer.Mechanism, offer.Flow), (back.HandoverId, back.OriginNode, back.Mechanism, back.Flow));
        var (a, b) = (offer.State.Tcp, back.State.Tcp);
        Assert.Equal((a.SendSeq, a.RecvSeq, a.Mss, a.SndWscale, a.RcvWscale, a.WindowScaling, a.SackPermitted, a.Timestamps, a.TsVal, a.Window),
            (b.SendSeq, b.RecvSeq, b.Mss, b.SndWscale, b.RcvWscale, b.WindowScaling, b.SackPermitted, b.Timestamps, b.TsVal, b.Window));
        Assert.Equal(a.SendQueue.ToArray(), b.SendQueue.ToArray());
        Assert.Equal(a.RecvQueue.ToArray(), b.RecvQueue.ToArray());
        Assert.Equal(offer.State.SavedSyn.ToArray(), back.State.SavedSyn.ToArray());
        Assert.Equal(offer.SentAt, back.SentAt);
        Assert.Equal((offer.TraceParent, offer.TraceState), (back.TraceParent, back.TraceState));
    }

    [Fact]
    public void TryReadOffer_NoTraceContext_NullsAndNothingOnTheWire()
    {
        var offer = Dts.AspNetCore.Tests.Control.ControlTestTarget.Offer(16);
        var request = HandoverMessages.ToRequest(offer);
        var withContext = HandoverMessages.ToRequest(offer with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });

        Assert.True(HandoverMessages.TryReadOffer(request, out var back, out var reason), reason);
        Assert.Equal(((string?)null, (string?)null), (back.TraceParent, back.TraceState));
        // proto3 leaves empty strings off the wire: a handover without a recorded span costs no byte more than before.
        Assert.Equal(request.CalculateSize() + 2 + 55, withContext.CalculateSize());
    }

    [Theory]
    [InlineData("Teleport", true, 4, "unknown mechanism 'Teleport'")]
    [InlineData("Repair", false, 4, "no TCP state")]
    [InlineData("Repair", true, 3, "no valid 4-tuple")]
    public void TryReadOffer_Malformed_RefusesWithTheReason(string mechanism, bool withTcp, int addressLength, string expected)
    {
        var request = new HandoverRequest
        {
            HandoverId = "m1",
            OriginNode = "n1",
            Mechanism = mechanism,
            ClientAddress = Google.Protobuf.ByteString.CopyFrom(new byte[addressLength]),
            ClientPort = 40000,
            LocalAddress = Google.Protobuf.ByteString.CopyFrom([198, 18, 0, 100]),
            LocalPort = 80,
            Tcp = withTcp ? new TcpState() : null,
        };

        Assert.False(HandoverMessages.TryReadOffer(request, out _, out var reason));
        Assert.Equal(expected, reason);
    }
}
