using System.IO.Pipelines;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Kestrel's transport output, which can be silenced once the connection is handed over: from then on
/// nothing the origin's Kestrel writes may reach the socket.
/// </summary>
internal sealed class SilenceablePipeWriter(PipeWriter inner) : PipeWriter
{
    private readonly Pipe _sink = new();
    private volatile bool _silenced;

    public void Silence() => _silenced = true;

    private PipeWriter Target => _silenced ? _sink.Writer : inner;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _silenced ? 0 : inner.UnflushedBytes;

    public override void Advance(int bytes) => Target.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Target.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Target.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_silenced)
        {
            _sink.Reader.TryRead(out var r);
            _sink.Reader.AdvanceTo(r.Buffer.End);
            return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: false));
        }
        return inner.FlushAsync(cancellationToken);
    }
}
