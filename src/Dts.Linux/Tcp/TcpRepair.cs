using System.Runtime.InteropServices;
using System.Net.Sockets;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

/// <summary>
/// Linux <c>TCP_REPAIR</c> checkpoint/restore of established TCP connections, following the kernel's
/// do_tcp_setsockopt()/do_tcp_getsockopt() (net/ipv4/tcp.c) and the order CRIU uses (soccr/soccr.c).
/// All calls need CAP_NET_ADMIN in the socket's network namespace (the kernel's tcp_can_repair_sock()).
/// </summary>
public static partial class TcpRepair
{
    /// <summary>
    /// Puts the socket into repair mode (<c>TCP_REPAIR = TCP_REPAIR_ON</c>). From now on the kernel sends
    /// nothing for application calls, close(2) is silent, and the socket can be checkpointed. Incoming
    /// packets are still processed: drop the flow in the packet filter first.
    /// </summary>
    /// <exception cref="LinuxSocketException">EPERM without CAP_NET_ADMIN or when the socket is not ESTABLISHED/CLOSE.</exception>
    public static void Freeze(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        SocketOption.SetInt32(socket, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_ON, "setsockopt(TCP_REPAIR, ON)");
    }

    /// <summary>
    /// Leaves repair mode with <c>TCP_REPAIR_OFF_NO_WP</c>, so no window probe is sent: the connection
    /// carries on as if it had never been frozen (after the origin's checkpoint, or a failed handover). Leaving
    /// repair mode resets sk_reuse to SK_NO_REUSE (do_tcp_setsockopt(), net/ipv4/tcp.c), so <c>SO_REUSEADDR</c>,
    /// which the connection inherited from its listener, is set again: a connection that outlives its process
    /// must not keep a restarted listener from binding the port (EADDRINUSE).
    /// </summary>
    /// <exception cref="LinuxSocketException">The setsockopt failed (EPERM when not permitted).</exception>
    public static void Thaw(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        SocketOption.SetInt32(socket, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP, "setsockopt(TCP_REPAIR, OFF_NO_WP)");
        SocketOption.SetInt32(socket, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
    }

    /// <summary>
    /// Duplicates the descriptor (fcntl(2) F_DUPFD_CLOEXEC); both refer to the same socket. The duplicate is a
    /// plain descriptor, closed with close(2): a <see cref="SafeSocketHandle"/>'s release closes abortively
    /// (SO_LINGER {1, 0}), and SO_LINGER belongs to the socket, so the application's own later close of its
    /// descriptor would reset the connection and drop unsent data.
    /// </summary>
    /// <exception cref="LinuxSocketException">fcntl failed (EMFILE, EBADF).</exception>
    public static SafeHandle Duplicate(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        int fd = fcntl(socket, F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
        {
            throw LinuxSocketException.FromLastError("fcntl(F_DUPFD_CLOEXEC)");
        }

        return new SafeFdHandle(fd);
    }

    /// <summary>Reads <c>TCP_INFO</c> (tcp_get_info() in net/ipv4/tcp.c).</summary>
    /// <exception cref="LinuxSocketException">getsockopt failed (e.g. not a TCP socket).</exception>
    public static TcpInfo GetInfo(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        int length = SocketOption.Get(socket, IPPROTO_TCP, TCP_INFO, out tcp_info info, "getsockopt(TCP_INFO)");
        return new TcpInfo(info, length);
    }

    /// <summary>
    /// Bytes received but not yet read by the application (<c>SIOCINQ</c>: rcv_nxt − copied_seq, in bytes).
    /// </summary>
    /// <exception cref="LinuxSocketException">EINVAL on a listening socket.</exception>
    public static int GetInq(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketOption.Ioctl(socket, SIOCINQ, "ioctl(SIOCINQ)");
    }

    /// <summary>
    /// Bytes in the send queue, unacknowledged plus not yet sent (<c>SIOCOUTQ</c>: write_seq − snd_una, in bytes).
    /// </summary>
    /// <exception cref="LinuxSocketException">EINVAL on a listening socket.</exception>
    public static int GetOutq(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SocketOption.Ioctl(socket, SIOCOUTQ, "ioctl(SIOCOUTQ)");
    }
}
