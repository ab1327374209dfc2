using System.Runtime.InteropServices;
using System.Net.Sockets;
using static Interop.Libc;

namespace Dts.Linux.Tcp;

public static partial class TcpRepair
{
    /// <summary>Slack for a partly acknowledged single-segment skb at the head of the retransmit queue.</summary>
    private const int SendQueueSlack = 64 * 1024;

    /// <summary>
    /// Peeks the send queue (tcp_peek_sndq(): the retransmit queue, then the write queue, always from the
    /// start, all in one call). A partly acknowledged one-segment skb is not trimmed by the kernel
    /// (tcp_clean_rtx_queue()), so the peek may return acknowledged bytes first: keep the last
    /// <paramref name="outq"/> bytes, which are [snd_una, write_seq).
    /// </summary>
    private static unsafe byte[] PeekSendQueue(SafeHandle socket, int outq)
    {
        if (outq == 0)
        {
            return [];
        }

        byte[] buffer = new byte[outq + SendQueueSlack];
        nint n = RecvPeek(socket, buffer, 0, buffer.Length, "recv(MSG_PEEK, TCP_SEND_QUEUE)");
        if (n < outq)
        {
            throw new InvalidOperationException($"The send queue holds {n} bytes, SIOCOUTQ said {outq}.");
        }

        return buffer.AsSpan((int)n - outq, outq).ToArray();
    }

    /// <summary>
    /// Peeks the receive queue from copied_seq. Repeated MSG_PEEK calls start at the same byte unless
    /// SO_PEEK_OFF is set (TCP supports it since Linux 6.9), so loop with a peek offset and reset it after.
    /// </summary>
    private static unsafe byte[] PeekRecvQueue(SafeHandle socket, int inq)
    {
        if (inq == 0)
        {
            return [];
        }

        byte[] buffer = new byte[inq];
        int zero = 0;
        bool peekOffset = setsockopt(socket, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(int)) == 0;
        try
        {
            int total = 0;
            while (total < inq)
            {
                nint n = RecvPeek(socket, buffer, total, inq - total, "recv(MSG_PEEK, TCP_RECV_QUEUE)");
                if (n == 0 || (!peekOffset && n < inq))
                {
                    throw new InvalidOperationException($"The receive queue gave {total + n} bytes, SIOCINQ said {inq}.");
                }

                total += (int)n;
            }

            return buffer;
        }
        finally
        {
            if (peekOffset)
            {
                int off = -1;
                _ = setsockopt(socket, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(int));
            }
        }
    }

    private static unsafe nint RecvPeek(SafeHandle socket, byte[] buffer, int offset, int count, string operation)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = recv(socket, p + offset, (nuint)count, MSG_PEEK | MSG_DONTWAIT);
                if (n >= 0)
                {
                    return n;
                }

                var error = LinuxSocketException.FromLastError(operation);
                if (error.Errno != EINTR)
                {
                    throw error;
                }
            }
        }
    }
}
