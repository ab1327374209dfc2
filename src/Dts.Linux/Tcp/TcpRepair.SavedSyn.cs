using System.Runtime.InteropServices;
using System.Net.Sockets;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

public static partial class TcpRepair
{
    /// <summary>
    /// Makes the listener record the SYN of every connection it accepts (<c>TCP_SAVE_SYN = 1</c>: IP and TCP
    /// headers, no link-layer header). Set it before connections arrive.
    /// </summary>
    /// <exception cref="LinuxSocketException">setsockopt failed.</exception>
    public static void EnableSaveSyn(Socket listenSocket)
    {
        ArgumentNullException.ThrowIfNull(listenSocket);
        SocketOption.SetInt32(listenSocket.SafeHandle, IPPROTO_TCP, TCP_SAVE_SYN, 1, "setsockopt(TCP_SAVE_SYN)");
    }

    /// <summary>
    /// Returns the SYN the connection was opened with (<c>TCP_SAVED_SYN</c>: the IP header followed by the
    /// TCP header with its options), or null when none was saved. The kernel frees the copy once it is read,
    /// so a second call returns null.
    /// </summary>
    /// <exception cref="LinuxSocketException">getsockopt failed.</exception>
    public static unsafe byte[]? TryGetSavedSyn(SafeHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte[] buffer = new byte[256];
        while (true)
        {
            uint len = (uint)buffer.Length;
            int rc;
            fixed (byte* p = buffer)
            {
                rc = getsockopt(socket, IPPROTO_TCP, TCP_SAVED_SYN, p, &len);
            }

            if (rc == 0)
            {
                return len == 0 ? null : buffer.AsSpan(0, (int)len).ToArray();
            }

            var error = LinuxSocketException.FromLastError("getsockopt(TCP_SAVED_SYN)");
            // EINVAL with a larger optlen means "buffer too small" (do_tcp_getsockopt()).
            if (error.Errno != EINVAL || len <= buffer.Length)
            {
                throw error;
            }

            buffer = new byte[len];
        }
    }
}
