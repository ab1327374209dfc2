using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Dts.Core.Tcp;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

public static partial class TcpRepair
{
    /// <summary>Bytes per send() when refilling a queue; the kernel takes at most one skb per call anyway
    /// (tcp_send_rcvq(): MAX_SKB_FRAGS pages) and returns a short count.</summary>
    private const int RestoreChunk = 64 * 1024;

    /// <summary>Extra send buffer (bytes, truesize units) beyond twice the restored send queue.</summary>
    private const int SendBufferHeadroom = 256 * 1024;

    /// <summary>
    /// Creates a socket identical to the checkpointed one, in the calling thread's network namespace,
    /// in the order the kernel requires (ARCHITECTURE.md §3 "Target, Repair"; soccr/soccr.c):
    /// socket, <c>TCP_REPAIR</c>, RECV and SEND <c>TCP_QUEUE_SEQ</c> (only allowed in CLOSE), bind (repair
    /// forces address reuse), connect (no SYN is sent; the socket becomes ESTABLISHED),
    /// <c>TCP_REPAIR_OPTIONS</c> (before any data: the kernel refuses them once bytes_sent != 0),
    /// <c>TCP_TIMESTAMP</c>, the send queue, the receive queue (advances rcv_nxt to
    /// <see cref="TcpRepairState.RecvSeq"/>), <c>TCP_REPAIR_WINDOW</c> (tcp_repair_set_window() rejects
    /// rcv_wup after rcv_nxt, so it comes after the receive queue) and finally <c>TCP_REPAIR_OFF</c>,
    /// which sends one window probe so the peer answers with an ACK.
    /// </summary>
    /// <param name="state">The checkpoint; its <see cref="TcpRepairState.RecvQueue"/> may start before the
    /// origin's copied_seq (bytes the origin's application had already read).</param>
    /// <param name="local">The server side address (normally VIP:port); must be local in this namespace.</param>
    /// <param name="remote">The client.</param>
    /// <returns>A connected socket owning the descriptor.</returns>
    /// <exception cref="LinuxSocketException">A call failed. The descriptor is closed while still in repair
    /// mode, so nothing reaches the wire.</exception>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The returned Socket owns the SafeSocketHandle; it is disposed here only if the Socket constructor throws.")]
    public static Socket Restore(TcpRepairState state, IPEndPoint local, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        int family = SockAddr.FamilyOf(local);
        if (family != SockAddr.FamilyOf(remote))
        {
            throw new ArgumentException("Local and remote endpoints must have the same address family.", nameof(remote));
        }

        int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
        if (fd < 0)
        {
            throw LinuxSocketException.FromLastError("socket(SOCK_STREAM)");
        }

        using var handle = new SafeFdHandle(fd);
        SetTcp(handle, TCP_REPAIR, TCP_REPAIR_ON, "TCP_REPAIR, ON");
        SetTcp(handle, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE, RECV");
        SetTcp(handle, TCP_QUEUE_SEQ, (int)(state.RecvSeq - state.RecvQueue.Length).Value, "TCP_QUEUE_SEQ, RECV");
        SetTcp(handle, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE, SEND");
        SetTcp(handle, TCP_QUEUE_SEQ, (int)(state.SendSeq - state.SendQueue.Length).Value, "TCP_QUEUE_SEQ, SEND");

        if (SockAddr.Bind(handle, local) != 0)
        {
            throw LinuxSocketException.FromLastError(() => $"bind({local})");
        }

        if (SockAddr.Connect(handle, remote) != 0)
        {
            throw LinuxSocketException.FromLastError(() => $"connect({remote})");
        }

        SetRepairOptions(handle, state);
        SetTcp(handle, TCP_TIMESTAMP, (int)state.TsVal, "TCP_TIMESTAMP");

        EnsureSendBuffer(handle, state.SendQueue.Length);
        SetTcp(handle, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE, SEND");
        SendAll(handle, state.SendQueue.Span, "send(TCP_SEND_QUEUE)");
        SetTcp(handle, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE, RECV");
        SendAll(handle, state.RecvQueue.Span, "send(TCP_RECV_QUEUE)");
        SetTcp(handle, TCP_REPAIR_QUEUE, TCP_NO_QUEUE, "TCP_REPAIR_QUEUE, NO_QUEUE");

        SocketOption.Set(handle, IPPROTO_TCP, TCP_REPAIR_WINDOW, state.Window, "setsockopt(TCP_REPAIR_WINDOW)");
        SetTcp(handle, TCP_REPAIR, TCP_REPAIR_OFF, "TCP_REPAIR, OFF");
        // Repair off leaves sk_reuse at SK_NO_REUSE; a listener's connections have SO_REUSEADDR, and one that
        // outlives this process must not keep the node's restarted VIP listener from binding (EADDRINUSE).
        SocketOption.SetInt32(handle, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");

        var socketHandle = new SafeSocketHandle(handle.Release(), ownsHandle: true);
        try
        {
            return new Socket(socketHandle);
        }
        catch
        {
            // The Socket constructor queries the fd; if that fails the fd is still ours to close.
            socketHandle.Dispose();
            throw;
        }
    }

    private static void SetRepairOptions(SafeFdHandle handle, TcpRepairState state)
    {
        Span<tcp_repair_opt> opts = stackalloc tcp_repair_opt[4];
        int n = 0;
        opts[n++] = new tcp_repair_opt { opt_code = TCPOPT_MSS, opt_val = state.Mss };
        // Always: without it the restored socket keeps the rcv_wscale tcp_connect_init() chose for its own SYN and scales
        // the windows it offers by it, while a peer that negotiated no window scaling (RFC 7323 §2.2) reads them
        // unscaled — 64-byte windows, a stalled upload. Shifts of 0 are the unscaled windows.
        opts[n++] = new tcp_repair_opt
        {
            opt_code = TCPOPT_WINDOW,
            opt_val = state.WindowScaling ? state.SndWscale | ((uint)state.RcvWscale << 16) : 0,
        };

        if (state.SackPermitted)
        {
            opts[n++] = new tcp_repair_opt { opt_code = TCPOPT_SACK_PERM, opt_val = 0 };
        }

        if (state.Timestamps)
        {
            opts[n++] = new tcp_repair_opt { opt_code = TCPOPT_TIMESTAMP, opt_val = 0 };
        }

        unsafe
        {
            fixed (tcp_repair_opt* p = opts)
            {
                if (setsockopt(handle, IPPROTO_TCP, TCP_REPAIR_OPTIONS, p, (uint)(n * sizeof(tcp_repair_opt))) != 0)
                {
                    throw LinuxSocketException.FromLastError("setsockopt(TCP_REPAIR_OPTIONS)");
                }
            }
        }
    }

    /// <summary>
    /// Repair-mode sends of the send queue are "sent" without transmission but still count against
    /// sk_sndbuf (sk_wmem_queued), and a fresh socket's buffer (tcp_wmem[1], 16 KiB by default) is far
    /// smaller than a queue the origin autotuned into. Like CRIU restoring SO_SNDBUF, raise it with
    /// SO_SNDBUFFORCE (needs CAP_NET_ADMIN, which repair needs anyway) — only when the queue would not fit,
    /// since a set buffer is locked and no longer autotuned.
    /// </summary>
    private static void EnsureSendBuffer(SafeFdHandle handle, int queueLength)
    {
        if (queueLength == 0)
        {
            return;
        }

        // sk_sndbuf is in truesize units: allow 2x the payload plus headroom for skb overhead.
        long needed = (2L * queueLength) + SendBufferHeadroom;
        int current = SocketOption.GetInt32(handle, SOL_SOCKET, SO_SNDBUF, "getsockopt(SO_SNDBUF)");
        if (current < needed)
        {
            // The kernel doubles the value it is given (sock_setsockopt(), SO_SNDBUF).
            int value = (int)Math.Min(needed / 2, int.MaxValue / 2);
            SocketOption.SetInt32(handle, SOL_SOCKET, SO_SNDBUFFORCE, value, "setsockopt(SO_SNDBUFFORCE)");
        }
    }

    /// <summary>Queues <paramref name="data"/> into the selected repair queue; short sends are normal.</summary>
    private static unsafe void SendAll(SafeFdHandle handle, ReadOnlySpan<byte> data, string operation)
    {
        int length = data.Length;
        fixed (byte* p = data)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                int chunk = Math.Min(RestoreChunk, data.Length - offset);
                nint n = send(handle, p + offset, (nuint)chunk, MSG_DONTWAIT);
                if (n <= 0)
                {
                    var error = LinuxSocketException.FromLastError(() => $"{operation} at byte {offset} of {length}");
                    if (n < 0 && error.Errno == EINTR)
                    {
                        continue;
                    }

                    throw error;
                }

                offset += (int)n;
            }
        }
    }

    private static void SetTcp(SafeFdHandle handle, int name, int value, string what) =>
        SocketOption.SetInt32(handle, IPPROTO_TCP, name, value, $"setsockopt({what})");
}
