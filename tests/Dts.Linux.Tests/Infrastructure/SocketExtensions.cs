using System.Net.Sockets;

namespace Dts.Linux.Tests.Infrastructure;

internal static class SocketExtensions
{
    /// <summary>Reads exactly <paramref name="count"/> bytes or throws (EOF or the socket's receive timeout).</summary>
    public static byte[] ReceiveExactly(this Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int n = socket.Receive(buffer, total, count - total, SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException($"EOF after {total} of {count} bytes.");
            }

            total += n;
        }

        return buffer;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }

            Thread.Sleep(5);
        }
    }
}
