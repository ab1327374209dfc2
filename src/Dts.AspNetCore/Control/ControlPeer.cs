using Grpc.Net.Client;
using Polly;

namespace Dts.AspNetCore.Control;

/// <summary>
/// The origin's control channel to one peer: its gRPC channel (one HTTP/2 connection over mutual TLS), its Polly
/// pipeline, and the current <see cref="HandoverStream"/>, opened lazily (or at warm-up) and replaced by the first
/// handover after it broke. There is no reconnect loop: a handover that finds the stream broken opens the next one.
/// </summary>
internal sealed class ControlPeer(string node, GrpcChannel channel, ResiliencePipeline pipeline) : IDisposable
{
    private readonly Lock _open = new();
    private HandoverStream? _stream;
    private bool _disposed;

    public string Node { get; } = node;

    public DtsControl.DtsControlClient Client { get; } = new(channel);

    /// <summary>Circuit breaker, then timeout, around each handover's wait for its answer.</summary>
    public ResiliencePipeline Pipeline { get; } = pipeline;

    /// <summary>How many handover streams this peer opened (the first, then one after each break).</summary>
    public int StreamsOpened { get; private set; }

    /// <summary>True while a stream is open and not known to be broken.</summary>
    public bool HasOpenStream => Volatile.Read(ref _stream) is { IsBroken: false };

    /// <summary>The open stream, or a new one when there is none or it broke.</summary>
    public HandoverStream Stream()
    {
        var stream = Volatile.Read(ref _stream);
        if (stream is { IsBroken: false })
        {
            return stream;
        }
        lock (_open)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            stream = _stream;
            if (stream is { IsBroken: false })
            {
                return stream;
            }
            stream?.Dispose();
            stream = new HandoverStream(Client);
            StreamsOpened++;
            Volatile.Write(ref _stream, stream);
            return stream;
        }
    }

    public void Dispose()
    {
        lock (_open)
        {
            _disposed = true;
            _stream?.Dispose();
            _stream = null;
        }
        channel.Dispose();
    }
}
