using System.Runtime.InteropServices;
using Dts.Core.Tcp;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

/// <summary>
/// What an accepted connection's checkpoint needs that only repair mode can read, taken once at accept, before any
/// other thread reads the socket (<see cref="TcpRepair.Anchor"/>): the first sequence number of its send stream
/// (ISN + 1, RFC 9293 §3.4) and its MSS clamp. The anchor also leaves the socket's repair queue set to
/// <c>TCP_RECV_QUEUE</c>, which outlives repair mode, so <c>TCP_QUEUE_SEQ</c> reads rcv_nxt from then on.
/// </summary>
/// <param name="SendStart">snd_nxt at accept, when no byte had been sent: ISN + 1.</param>
/// <param name="MssClamp">rx_opt.mss_clamp in bytes: the MSS the peer announced (bounded by the route).</param>
public sealed record TcpCheckpointAnchor(SeqNum SendStart, ushort MssClamp);

public static partial class TcpRepair
{
    /// <summary>
    /// Takes <paramref name="socket"/>'s <see cref="TcpCheckpointAnchor"/>: repair mode on, <c>TCP_QUEUE_SEQ</c> of the send
    /// queue, <c>TCP_MAXSEG</c> (mss_clamp in repair mode), the receive queue selected, repair mode off without a window
    /// probe (<see cref="Thaw"/>). Five system calls, nothing on the wire. Call it before anything else reads the socket:
    /// a recv(2) while repair mode is on fails (EPERM, or EINVAL for MSG_PEEK with no queue selected), and a transport
    /// takes that for a broken connection.
    /// </summary>
    /// <exception cref="LinuxSocketException">A call failed: EPERM without CAP_NET_ADMIN, or when the socket is no
    /// longer ESTABLISHED (the client closed at once).</exception>
    public static TcpCheckpointAnchor Anchor(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Freeze(socket);
        try
        {
            SelectQueue(socket, TCP_SEND_QUEUE, "SEND");
            uint sendSeq = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_QUEUE_SEQ, "getsockopt(TCP_QUEUE_SEQ, SEND)");
            int mss = SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_MAXSEG, "getsockopt(TCP_MAXSEG)");
            SelectQueue(socket, TCP_RECV_QUEUE, "RECV");
            return new TcpCheckpointAnchor(new SeqNum(sendSeq), (ushort)mss);
        }
        finally
        {
            Thaw(socket);
        }
    }

    /// <summary>
    /// Checkpoints a live <paramref name="socket"/> without repair mode, so a transport reading it meanwhile never fails:
    /// <list type="bullet">
    /// <item>rcv_nxt from <c>TCP_QUEUE_SEQ</c> (the anchor selected the receive queue), read before and after: it must not
    /// move (the packet filter must already drop the flow's segments);</item>
    /// <item>snd_nxt = the anchor's ISN + 1 + tcpi_bytes_acked, with an empty send queue (<c>SIOCOUTQ</c> 0);</item>
    /// <item>the receive queue with one MSG_PEEK, from copied_seq to rcv_nxt whatever the transport took meanwhile;</item>
    /// <item>options and window scales from <c>TCP_INFO</c>, the timestamp clock from <c>TCP_TIMESTAMP</c>;</item>
    /// <item>the window from <c>TCP_INFO</c> (tcpi_snd_wnd, tcpi_rcv_wnd: Linux ≥ 6.2) with snd_wl1 = rcv_nxt − 1 and
    /// rcv_wup = rcv_nxt: the next segment updates the send window, and the right edge offered is not moved left
    /// (rcv_wup is rcv_nxt whenever this socket's last ACK covered everything it received).</item>
    /// </list>
    /// </summary>
    /// <param name="socket">The socket <paramref name="anchor"/> was taken on.</param>
    /// <param name="anchor">What <see cref="Anchor"/> read at accept.</param>
    /// <param name="bytesReceived">tcpi_bytes_received at rcv_nxt: the stream's length so far, in bytes.</param>
    /// <returns>The state; <see cref="TcpRepairState.RecvQueue"/> holds only the kernel's queue.</returns>
    /// <exception cref="InvalidOperationException">The socket is not ESTABLISHED, bytes wait in its send queue, or a
    /// segment arrived while it was read.</exception>
    /// <exception cref="NotSupportedException">The kernel does not report the windows in <c>TCP_INFO</c> (Linux &lt; 6.2).</exception>
    /// <exception cref="LinuxSocketException">A call failed; EINVAL from <c>TCP_QUEUE_SEQ</c> means no anchor was taken.</exception>
    public static TcpRepairState CheckpointLive(SafeHandle socket, TcpCheckpointAnchor anchor, out ulong bytesReceived)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(anchor);
        uint recvSeq = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_QUEUE_SEQ, "getsockopt(TCP_QUEUE_SEQ, RECV)");
        TcpInfo info = GetInfo(socket);
        if (info.State != TcpSocketState.Established)
        {
            throw new InvalidOperationException($"Only an ESTABLISHED socket can be checkpointed; this one is {info.State}.");
        }
        if (!info.WindowsReported)
        {
            throw new NotSupportedException("TCP_INFO does not report tcpi_snd_wnd and tcpi_rcv_wnd (Linux 6.2 or later is needed).");
        }
        int outq = GetOutq(socket);
        if (outq != 0)
        {
            throw new InvalidOperationException($"{outq} bytes wait in the send queue.");
        }
        int inq = GetInq(socket);
        byte[] recvQueue = PeekLiveRecvQueue(socket, inq);
        uint tsVal = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_TIMESTAMP, "getsockopt(TCP_TIMESTAMP)");
        uint recvSeqAfter = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_QUEUE_SEQ, "getsockopt(TCP_QUEUE_SEQ, RECV)");
        if (recvSeqAfter != recvSeq)
        {
            throw new InvalidOperationException($"rcv_nxt moved from {recvSeq} to {recvSeqAfter} during the checkpoint: the flow's segments still reach the socket.");
        }

        bytesReceived = info.BytesReceived;
        var window = new TcpRepairWindow
        {
            snd_wl1 = recvSeq - 1,
            snd_wnd = info.SndWnd,
            max_window = info.SndWnd,
            rcv_wnd = info.RcvWnd,
            rcv_wup = recvSeq,
        };
        return State(info, anchor.SendStart + (uint)info.BytesAcked, new SeqNum(recvSeq), ReadOnlyMemory<byte>.Empty, recvQueue, anchor.MssClamp, tsVal, window);
    }

    /// <summary>
    /// The receive queue from copied_seq to rcv_nxt in one MSG_PEEK (tcp_recvmsg() walks every queued skb while the
    /// buffer lasts). The buffer is one byte larger than <paramref name="inq"/>: a full buffer would mean more came.
    /// The transport may consume part of the queue meanwhile; the peek then returns the rest, which is still the
    /// stream's suffix up to rcv_nxt.
    /// </summary>
    private static byte[] PeekLiveRecvQueue(SafeHandle socket, int inq)
    {
        if (inq == 0)
        {
            return [];
        }
        byte[] buffer = new byte[inq + 1];
        nint n;
        try
        {
            n = RecvPeek(socket, buffer, 0, buffer.Length, "recv(MSG_PEEK)");
        }
        catch (LinuxSocketException ex) when (ex.Errno == EAGAIN)
        {
            return []; // the transport took it all meanwhile
        }
        if (n > inq)
        {
            throw new InvalidOperationException($"The receive queue grew past SIOCINQ's {inq} bytes during the checkpoint.");
        }
        return buffer.AsSpan(0, (int)n).ToArray();
    }
}
