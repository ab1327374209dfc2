using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A plain TCP connection from the client namespace to the VIP, for what HttpClient can't send: pipelined
/// requests in one segment, bodies that stall, malformed heads. Reads until the server closes.
/// </summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;

    private RawClient(Socket socket) => _socket = socket;

    public static async Task<RawClient> ConnectAsync(Testbed.Testbed testbed, TimeSpan timeout, int localPort = 0) =>
        new(await ConnectSocketAsync(testbed, timeout, localPort));

    /// <summary>A TCP socket in the client namespace, connected to the VIP (from <paramref name="localPort"/> when not 0).</summary>
    public static async Task<Socket> ConnectSocketAsync(Testbed.Testbed testbed, TimeSpan timeout, int localPort = 0)
    {
        var socket = testbed.CreateSocket(testbed.ClientNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        if (localPort != 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(testbed.ClientAddress, localPort));
        }
        using var cts = new CancellationTokenSource(timeout);
        await socket.ConnectAsync(new IPEndPoint(testbed.Vip, testbed.Port), cts.Token);
        return socket;
    }

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Sends <paramref name="bytes"/> in one send call (one segment when it fits the MSS).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Sends <paramref name="bytes"/>, giving up when <paramref name="cancellationToken"/> fires (a peer that stopped reading).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);

    /// <summary>Half-closes: the client's FIN, the connection still open for the response.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public Task SendAsync(string ascii) => SendAsync(Encoding.ASCII.GetBytes(ascii));

    /// <summary>Reads until <paramref name="marker"/> has arrived (e.g. an interim "100 Continue"); returns what was read.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    /// <summary>Reads until the server closes the connection or <paramref name="timeout"/> passes.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var all = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return all.ToArray();
    }

    public void Dispose() => _socket.Dispose();
}
