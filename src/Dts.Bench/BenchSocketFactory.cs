using System.Net.Sockets;
using System.Threading.Channels;
using Dts.Linux.Namespaces;
using DtsTestbed = Dts.Testbed.Testbed;

namespace Dts.Bench;

/// <summary>
/// TCP sockets created inside one network namespace, ahead of time. A socket belongs to the namespace it was
/// created in for its whole life, so the factory keeps the namespace open (its thread entered it once, see
/// <see cref="NetworkNamespace"/>) and a small queue of fresh sockets filled, made in batches on that thread; taking
/// one costs a queue read instead of a thread start per connection (what <see cref="DtsTestbed.CreateSocket"/> does),
/// which would otherwise cap the w1 request rate on the client.
/// </summary>
internal sealed class BenchSocketFactory : IDisposable
{
    private const int Ahead = 64;

    private readonly Channel<Socket> _sockets = Channel.CreateBounded<Socket>(new BoundedChannelOptions(Ahead) { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly NetworkNamespace _namespace;
    private readonly Task _producer;

    private BenchSocketFactory(NetworkNamespace ns)
    {
        _namespace = ns;
        _producer = Task.Run(() => ProduceAsync(_stop.Token));
    }

    /// <summary>Opens <paramref name="namespaceName"/> and starts filling the queue.</summary>
    /// <exception cref="Dts.Linux.LinuxSocketException">The namespace does not exist or entering it failed.</exception>
    public static BenchSocketFactory Create(string namespaceName) => new(NetworkNamespace.Open(namespaceName));

    /// <summary>A fresh, unbound IPv4 TCP socket in the namespace.</summary>
    public ValueTask<Socket> TakeAsync(CancellationToken cancellationToken) => _sockets.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        _stop.Cancel();
        _producer.Wait(TimeSpan.FromSeconds(5));
        while (_sockets.Reader.TryRead(out var socket))
        {
            socket.Dispose();
        }

        _namespace.Dispose();
        _stop.Dispose();
    }

    private async Task ProduceAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _sockets.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
            {
                // One trip to the namespace's thread per batch: the sockets must be created there, not on a pool thread.
                int count = Math.Max(1, Ahead - _sockets.Reader.Count);
                Socket[] batch = _namespace.Run(() => CreateBatch(count));
                foreach (var socket in batch)
                {
                    if (!_sockets.Writer.TryWrite(socket))
                    {
                        socket.Dispose();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            _sockets.Writer.TryComplete(ex);
        }
        finally
        {
            _sockets.Writer.TryComplete();
        }
    }

    private static Socket[] CreateBatch(int count)
    {
        var batch = new Socket[count];
        for (int i = 0; i < count; i++)
        {
            batch[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        }

        return batch;
    }
}
