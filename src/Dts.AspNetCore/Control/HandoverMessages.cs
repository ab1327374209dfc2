using System.Net;
using Dts.AspNetCore.Handover;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Google.Protobuf;

namespace Dts.AspNetCore.Control;

/// <summary>
/// Maps the handover domain types to and from the control channel's protobuf messages: the wire types never
/// leave <c>Control/</c>.
/// </summary>
internal static class HandoverMessages
{
    public static HandoverRequest ToRequest(HandoverOffer offer) => new()
    {
        HandoverId = offer.HandoverId,
        OriginNode = offer.OriginNode,
        ConfigVersion = "",
        Mechanism = offer.Mechanism.ToString(),
        ClientAddress = ByteString.CopyFrom(offer.Flow.Client.Address.GetAddressBytes()),
        ClientPort = (uint)offer.Flow.Client.Port,
        LocalAddress = ByteString.CopyFrom(offer.Flow.Local.Address.GetAddressBytes()),
        LocalPort = (uint)offer.Flow.Local.Port,
        Tcp = ToMessage(offer.State.Tcp),
        // Arrays this handover owns and never changes again: wrapped, not copied.
        SavedSyn = UnsafeByteOperations.UnsafeWrap(offer.State.SavedSyn),
        SentUnixUs = offer.SentAt is { } sent ? (sent - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond : 0,
        Traceparent = offer.TraceParent ?? "",
        Tracestate = offer.TraceState ?? "",
    };

    /// <summary>Reads an offer from <paramref name="request"/>; false (with the reason) when it is malformed.</summary>
    public static bool TryReadOffer(HandoverRequest request, out HandoverOffer offer, out string reason)
    {
        offer = null!;
        if (!Enum.TryParse<HandoverMechanism>(request.Mechanism, ignoreCase: false, out var mechanism) || !Enum.IsDefined(mechanism))
        {
            reason = $"unknown mechanism '{request.Mechanism}'";
            return false;
        }
        if (request.Tcp is null)
        {
            reason = "no TCP state";
            return false;
        }
        if (request.ClientAddress.Length is not (4 or 16) || request.LocalAddress.Length is not (4 or 16)
            || request.ClientPort > ushort.MaxValue || request.LocalPort > ushort.MaxValue)
        {
            reason = "no valid 4-tuple";
            return false;
        }
        var flow = new FlowKey(
            new IPEndPoint(new IPAddress(request.ClientAddress.Span), (int)request.ClientPort),
            new IPEndPoint(new IPAddress(request.LocalAddress.Span), (int)request.LocalPort));
        offer = new HandoverOffer(request.HandoverId, request.OriginNode, mechanism, flow,
            new HandoverState(FromMessage(request.Tcp), request.SavedSyn.Memory),
            request.SentUnixUs > 0 ? DateTimeOffset.UnixEpoch.AddTicks(request.SentUnixUs * TimeSpan.TicksPerMicrosecond) : null,
            request.Traceparent.Length > 0 ? request.Traceparent : null,
            request.Tracestate.Length > 0 ? request.Tracestate : null);
        reason = "";
        return true;
    }

    public static HandoverReply ToReply(HandoverAnswer answer) => new() { Accepted = answer.Accepted, Reason = answer.Reason };

    private static TcpState ToMessage(TcpRepairState s) => new()
    {
        SendSeq = s.SendSeq.Value,
        RecvSeq = s.RecvSeq.Value,
        // The queues are arrays this handover owns and never changes again: wrapped, not copied (up to 2 MiB).
        SendQueue = UnsafeByteOperations.UnsafeWrap(s.SendQueue),
        RecvQueue = UnsafeByteOperations.UnsafeWrap(s.RecvQueue),
        Mss = s.Mss,
        SndWscale = s.SndWscale,
        RcvWscale = s.RcvWscale,
        WindowScaling = s.WindowScaling,
        SackPermitted = s.SackPermitted,
        Timestamps = s.Timestamps,
        TsVal = s.TsVal,
        SndWl1 = s.Window.snd_wl1,
        SndWnd = s.Window.snd_wnd,
        MaxWindow = s.Window.max_window,
        RcvWnd = s.Window.rcv_wnd,
        RcvWup = s.Window.rcv_wup,
    };

    private static TcpRepairState FromMessage(TcpState r) => new()
    {
        SendSeq = new SeqNum(r.SendSeq),
        RecvSeq = new SeqNum(r.RecvSeq),
        SendQueue = r.SendQueue.Memory,
        RecvQueue = r.RecvQueue.Memory,
        Mss = checked((ushort)r.Mss),
        SndWscale = checked((byte)r.SndWscale),
        RcvWscale = checked((byte)r.RcvWscale),
        WindowScaling = r.WindowScaling,
        SackPermitted = r.SackPermitted,
        Timestamps = r.Timestamps,
        TsVal = r.TsVal,
        Window = new TcpRepairWindow
        {
            snd_wl1 = r.SndWl1,
            snd_wnd = r.SndWnd,
            max_window = r.MaxWindow,
            rcv_wnd = r.RcvWnd,
            rcv_wup = r.RcvWup,
        },
    };
}
