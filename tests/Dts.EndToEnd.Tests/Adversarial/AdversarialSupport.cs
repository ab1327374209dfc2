using System.Net;
using System.Net.Sockets;
using System.Text;
using Dts.EndToEnd.Tests.Infrastructure;

namespace Dts.EndToEnd.Tests.Adversarial;

/// <summary>A testbed of its own for the adversarial tests that stop, kill and restart nodes.</summary>
public sealed class AdversarialNodeLifecycleFixture : ClusterFixture;

[CollectionDefinition(Name)]
public sealed class AdversarialNodeLifecycleCollection : ICollectionFixture<AdversarialNodeLifecycleFixture>
{
    public const string Name = "adversarial: node stop/kill/restart";
}

/// <summary>
/// A keep-alive HTTP/1.1 connection from the client namespace that reads one response at a time
/// (<see cref="RawClient"/> reads until the server closes). Optionally bound to a fixed client port.
/// </summary>
internal sealed class KeepAliveClient : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private KeepAliveClient(Socket socket) => _socket = socket;

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static async Task<KeepAliveClient> ConnectAsync(Testbed.Testbed testbed, TimeSpan timeout, int localPort = 0) =>
        new(await RawClient.ConnectSocketAsync(testbed, timeout, localPort));

    public async Task SendAsync(string ascii) => await _socket.SendAsync(Encoding.ASCII.GetBytes(ascii), SocketFlags.None);

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// Reads one response to a GET of <c>/whoami</c> (chunked, ends with the zero chunk) or one with
    /// Content-Length. Returns the head and body as Latin-1, or what arrived before the timeout/close/reset,
    /// prefixed with "INCOMPLETE:".
    /// </summary>
    public async Task<string> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var text = Encoding.Latin1.GetString(_pending.ToArray());
                var complete = Complete(text);
                if (complete > 0)
                {
                    _pending.RemoveRange(0, complete);
                    return text[..complete];
                }
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return "INCOMPLETE(closed):" + text;
                }
                _pending.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (OperationCanceledException)
        {
            return "INCOMPLETE(timeout):" + Encoding.Latin1.GetString(_pending.ToArray());
        }
        catch (SocketException e)
        {
            return $"INCOMPLETE({e.SocketErrorCode}):" + Encoding.Latin1.GetString(_pending.ToArray());
        }
    }

    private static int Complete(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return 0;
        }
        var head = text[..headEnd];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf("\r\n0\r\n\r\n", headEnd, StringComparison.Ordinal);
            return end < 0 ? 0 : end + 7;
        }
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                var length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return text.Length >= headEnd + 4 + length ? headEnd + 4 + length : 0;
            }
        }
        return headEnd + 4;
    }

    /// <summary>The value of response header <paramref name="name"/>, or null.</summary>
    public static string? Header(string response, string name)
    {
        foreach (var line in response.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                break;
            }
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }
        return null;
    }

    public void Dispose() => _socket.Dispose();
}
