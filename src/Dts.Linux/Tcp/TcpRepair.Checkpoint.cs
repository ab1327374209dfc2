using System.Runtime.InteropServices;
using System.Net.Sockets;
using Dts.Core.Tcp;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

public static partial class TcpRepair
{
    /// <summary>
    /// Reads everything needed to restore the connection elsewhere: write_seq and rcv_nxt
    /// (<c>TCP_QUEUE_SEQ</c> per <c>TCP_REPAIR_QUEUE</c>), both queues (MSG_PEEK in repair mode), the MSS clamp
    /// (<c>TCP_MAXSEG</c> returns mss_clamp in repair mode), negotiated options and window scales
    /// (<c>TCP_INFO</c>), the timestamp clock (<c>TCP_TIMESTAMP</c>) and <c>TCP_REPAIR_WINDOW</c>.
    /// The socket stays frozen; the caller closes it (silently) or thaws it.
    /// </summary>
    /// <param name="socket">A socket frozen with <see cref="Freeze"/>.</param>
    /// <returns>The state; <see cref="TcpRepairState.RecvQueue"/> holds only the kernel's queue.</returns>
    /// <exception cref="InvalidOperationException">The socket is not ESTABLISHED (e.g. half-closed), or a queue
    /// changed while being read (packets reached a frozen socket).</exception>
    /// <exception cref="LinuxSocketException">A call failed; EPERM from <c>TCP_REPAIR_QUEUE</c> means the socket
    /// is not frozen.</exception>
    public static TcpRepairState Checkpoint(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        TcpInfo info = GetInfo(socket);
        if (info.State != TcpSocketState.Established)
        {
            throw new InvalidOperationException($"Only an ESTABLISHED socket can be checkpointed; this one is {info.State}.");
        }

        try
        {
            SelectQueue(socket, TCP_SEND_QUEUE, "SEND");
            uint sendSeq = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_QUEUE_SEQ, "getsockopt(TCP_QUEUE_SEQ, SEND)");
            byte[] sendQueue = PeekSendQueue(socket, GetOutq(socket));

            SelectQueue(socket, TCP_RECV_QUEUE, "RECV");
            uint recvSeq = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_QUEUE_SEQ, "getsockopt(TCP_QUEUE_SEQ, RECV)");
            byte[] recvQueue = PeekRecvQueue(socket, GetInq(socket));
            SelectQueue(socket, TCP_NO_QUEUE, "NO_QUEUE");

            int mss = SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_MAXSEG, "getsockopt(TCP_MAXSEG)");
            uint tsVal = (uint)SocketOption.GetInt32(socket, IPPROTO_TCP, TCP_TIMESTAMP, "getsockopt(TCP_TIMESTAMP)");
            SocketOption.Get(socket, IPPROTO_TCP, TCP_REPAIR_WINDOW, out TcpRepairWindow window, "getsockopt(TCP_REPAIR_WINDOW)");

            return State(info, new SeqNum(sendSeq), new SeqNum(recvSeq), sendQueue, recvQueue, (ushort)mss, tsVal, window);
        }
        catch
        {
            // Leave the socket as we found it (frozen, no queue selected) for a Thaw on the fallback path.
            TrySetTcpOption(socket, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
            throw;
        }
    }

    /// <summary>A checkpoint's state: the given sequence numbers, queues, MSS, TSval and window, and the options and window
    /// scales negotiated in the handshake as <paramref name="info"/> reports them.</summary>
    private static TcpRepairState State(in TcpInfo info, SeqNum sendSeq, SeqNum recvSeq, ReadOnlyMemory<byte> sendQueue,
        ReadOnlyMemory<byte> recvQueue, ushort mss, uint tsVal, TcpRepairWindow window)
    {
        bool wscale = (info.Options & TcpInfoOptions.WindowScale) != 0;
        return new TcpRepairState
        {
            SendSeq = sendSeq,
            RecvSeq = recvSeq,
            SendQueue = sendQueue,
            RecvQueue = recvQueue,
            Mss = mss,
            WindowScaling = wscale,
            SndWscale = wscale ? info.SndWscale : (byte)0,
            RcvWscale = wscale ? info.RcvWscale : (byte)0,
            SackPermitted = (info.Options & TcpInfoOptions.Sack) != 0,
            Timestamps = (info.Options & TcpInfoOptions.Timestamps) != 0,
            TsVal = tsVal,
            Window = window,
        };
    }

    private static void SelectQueue(SafeHandle socket, int queue, string name) =>
        SocketOption.SetInt32(socket, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue, $"setsockopt(TCP_REPAIR_QUEUE, {name})");

    private static unsafe void TrySetTcpOption(SafeHandle socket, int name, int value) =>
        _ = setsockopt(socket, IPPROTO_TCP, name, &value, sizeof(int));
}
