using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Dts.Testbed.Namespaces;

namespace Dts.Testbed.Bench;

/// <summary>
/// TCP sockets created inside one network namespace, ahead of time. A socket belongs to the namespace it was
/// created in for its whole life, so a dedicated thread enters the namespace once (<c>setns(2)</c>) and keeps a
/// small queue of fresh sockets filled; taking one costs a queue read instead of a thread start per connection
/// (what <see cref="Testbed.CreateSocket"/> does), which would otherwise cap the w1 request rate on the client.
/// </summary>
internal sealed class BenchSocketFactory : IDisposable
{
    private const int Ahead = 64;

    private readonly Channel<Socket> _sockets = Channel.CreateBounded<Socket>(new BoundedChannelOptions(Ahead) { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BenchSocketFactory(string namespaceName)
    {
        _thread = new Thread(() => Produce(namespaceName)) { IsBackground = true, Name = "dts-bench-sockets" };
        _thread.Start();
    }

    /// <summary>Starts the producer thread in <paramref name="namespaceName"/>.</summary>
    /// <exception cref="IOException">Entering the namespace failed.</exception>
    public static async Task<BenchSocketFactory> CreateAsync(string namespaceName)
    {
        var factory = new BenchSocketFactory(namespaceName);
        try
        {
            await factory._started.Task.ConfigureAwait(false);
            return factory;
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    /// <summary>A fresh, unbound IPv4 TCP socket in the namespace.</summary>
    public ValueTask<Socket> TakeAsync(CancellationToken cancellationToken) => _sockets.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(5));
        while (_sockets.Reader.TryRead(out var socket))
        {
            socket.Dispose();
        }

        _stop.Dispose();
    }

    private void Produce(string namespaceName)
    {
        try
        {
            using (var handle = File.OpenHandle(NamespaceSockets.NetnsPath(namespaceName), FileMode.Open, FileAccess.Read))
            {
                if (Interop.Libc.setns(handle, Interop.Libc.CLONE_NEWNET) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"setns({namespaceName}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }
            }

            _started.SetResult();
            var token = _stop.Token;
            while (!token.IsCancellationRequested)
            {
                // Blocks this thread only: the socket must be created here, in the namespace, not on a pool thread.
                if (!_sockets.Writer.WaitToWriteAsync(token).AsTask().GetAwaiter().GetResult())
                {
                    return;
                }

                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                if (!_sockets.Writer.TryWrite(socket))
                {
                    socket.Dispose();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            _started.TrySetException(ex);
        }
        finally
        {
            _sockets.Writer.TryComplete();
        }
    }
}
