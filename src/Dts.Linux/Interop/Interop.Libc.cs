internal static partial class Interop
{
    /// <summary>glibc calls. Constants carry their C names and are checked against the headers by KernelHeaderTests.</summary>
    internal static partial class Libc
    {
        internal const string LibraryName = "libc.so.6";

        // <asm-generic/errno-base.h>, <asm-generic/errno.h>
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int EAGAIN = 11;
        internal const int EINVAL = 22;
        internal const int ENOBUFS = 105;
        internal const int ETIMEDOUT = 110;

        // <bits/socket.h>, <asm-generic/socket.h>
        internal const int AF_INET = 2;
        internal const int AF_INET6 = 10;
        internal const int AF_NETLINK = 16;
        internal const int SOCK_STREAM = 1;
        internal const int SOCK_RAW = 3;
        internal const int SOCK_CLOEXEC = 0x80000;
        internal const int IPPROTO_TCP = 6;
        internal const int IPPROTO_IP = 0;
        internal const int IPPROTO_IPV6 = 41;
        internal const int IPPROTO_RAW = 255;
        internal const int SOL_SOCKET = 1;
        internal const int SOL_NETLINK = 270;
        internal const int SO_REUSEADDR = 2;
        internal const int SO_SNDBUF = 7;
        internal const int SO_RCVBUF = 8;
        internal const int SO_RCVTIMEO = 20;
        internal const int SO_SNDBUFFORCE = 32;
        internal const int SO_RCVBUFFORCE = 33;
        internal const int SO_PEEK_OFF = 42;
        internal const int MSG_PEEK = 0x2;
        internal const int MSG_DONTWAIT = 0x40;

        // <netinet/in.h>: IP_HDRINCL at level IPPROTO_IP, IPV6_HDRINCL at level IPPROTO_IPV6 (Linux 4.5+)
        internal const int IP_HDRINCL = 3;
        internal const int IPV6_HDRINCL = 36;

        // <linux/sockios.h>: SIOCINQ = FIONREAD, SIOCOUTQ = TIOCOUTQ
        internal const uint SIOCINQ = 0x541B;
        internal const uint SIOCOUTQ = 0x5411;

        // <fcntl.h>, <sched.h>
        internal const int F_DUPFD_CLOEXEC = 1030;
        internal const int O_RDONLY = 0;
        internal const int O_CLOEXEC = 0x80000;
        internal const int CLONE_NEWNET = 0x40000000;

        // <signal.h>
        internal const int SIGKILL = 9;
        internal const int SIGTERM = 15;
    }
}
