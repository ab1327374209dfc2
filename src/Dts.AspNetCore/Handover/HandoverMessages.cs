using System.Net;
using Dts.AspNetCore.Control;
using Dts.Core.Tcp;
using Google.Protobuf;

namespace Dts.AspNetCore.Handover;

/// <summary>Maps a checkpoint to and from the control channel's protobuf messages.</summary>
internal static class HandoverMessages
{
    public static HandoverRequest ToRequest(string id, DtsOptions options, string target, FlowKey flow, TcpRepairState s) => new()
    {
        HandoverId = id,
        OriginNode = options.NodeId,
        ConfigVersion = "",
        Mechanism = options.Mechanism.ToString(),
        ClientAddress = ByteString.CopyFrom(flow.Client.Address.GetAddressBytes()),
        ClientPort = (uint)flow.Client.Port,
        LocalAddress = ByteString.CopyFrom(flow.Local.Address.GetAddressBytes()),
        LocalPort = (uint)flow.Local.Port,
        Repair = new RepairState
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
        },
    };

    public static FlowKey FlowOf(HandoverRequest r) => new(
        new IPEndPoint(new IPAddress(r.ClientAddress.Span), (int)r.ClientPort),
        new IPEndPoint(new IPAddress(r.LocalAddress.Span), (int)r.LocalPort));

    public static TcpRepairState StateOf(RepairState r) => new()
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
