using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dts.Testbed.Tests;

/// <summary>A one-shot TCP exchange between two namespaces of a testbed, entirely in-process.</summary>
internal static class TestSockets
{
    /// <summary>
    /// Listens on <paramref name="listenAt"/> inside <paramref name="serverNs"/>, connects from <paramref name="clientNs"/>,
    /// and has the server send <paramref name="greeting"/>. Returns what the client read and the client address the server saw.
    /// </summary>
    public static async Task<(string Received, IPAddress SeenClient)> ExchangeAsync(
        Testbed testbed, string serverNs, IPEndPoint listenAt, string clientNs, IPEndPoint connectTo, string greeting)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var listener = testbed.CreateSocket(serverNs, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(listenAt);
        listener.Listen(1);
        Task<Socket> accept = listener.AcceptAsync(cts.Token).AsTask();

        using var client = testbed.CreateSocket(clientNs, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(connectTo, cts.Token);
        using var server = await accept;
        await server.SendAsync(Encoding.ASCII.GetBytes(greeting), SocketFlags.None, cts.Token);
        server.Shutdown(SocketShutdown.Send);

        var buffer = new byte[256];
        int total = 0;
        int n;
        while ((n = await client.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cts.Token)) > 0)
        {
            total += n;
        }

        return (Encoding.ASCII.GetString(buffer, 0, total), ((IPEndPoint)server.RemoteEndPoint!).Address);
    }
}
