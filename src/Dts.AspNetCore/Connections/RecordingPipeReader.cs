using System.Buffers;
using System.IO.Pipelines;

namespace Dts.AspNetCore.Connections;

/// <summary>
/// Wraps Kestrel's transport input and keeps a copy of every byte the transport delivered, from the
/// connection's first byte on, until <see cref="StopRecording"/>. Kestrel reads ahead (pipelined
/// requests, body bytes), so everything it has read must travel with a handed-over connection.
/// </summary>
internal sealed class RecordingPipeReader(PipeReader inner, int limit) : PipeReader
{
    private readonly ArrayBufferWriter<byte> _recorded = new(4096);
    private ReadOnlySequence<byte> _lastBuffer;
    private long _consumed;
    private long _end = long.MaxValue;
    private bool _recording = true;

    /// <summary>True when more than the limit arrived before the dispatch decision.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Bytes seen so far, absolute from the start of the connection.</summary>
    public long Observed => _consumed + _lastBuffer.Length;

    /// <summary>Every byte recorded so far (valid until the next read).</summary>
    public ReadOnlyMemory<byte> Recorded => _recorded.WrittenMemory;

    /// <summary>
    /// Records no byte past absolute offset <paramref name="end"/> (bytes from the connection's start), and never
    /// overflows because of later ones: the handover's checkpoint fixed which bytes it needs from user space.
    /// </summary>
    public void RecordUpTo(long end) => _end = end;

    public void StopRecording()
    {
        _recording = false;
        _recorded.Clear();
        _recorded.ResetWrittenCount();
    }

    /// <summary>
    /// Looks at what the transport has put into the pipe without consuming it, so that bytes Kestrel has
    /// not asked for yet are recorded too. Only called while Kestrel is not reading (inside a request).
    /// </summary>
    public long Peek()
    {
        if (inner.TryRead(out var result))
        {
            Observe(result.Buffer);
            inner.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            _lastBuffer = result.Buffer;
        }
        return Observed;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }
        Observe(result.Buffer);
        return true;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Observe(result.Buffer);
        return result;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _lastBuffer.Slice(0, consumed).Length;
        _lastBuffer = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    private void Observe(ReadOnlySequence<byte> buffer)
    {
        _lastBuffer = buffer;
        if (!_recording)
        {
            return;
        }
        var known = _recorded.WrittenCount - _consumed;
        if (buffer.Length <= known)
        {
            return;
        }
        var fresh = buffer.Slice(known);
        if (_recorded.WrittenCount + fresh.Length > _end)
        {
            fresh = fresh.Slice(0, Math.Max(0, _end - _recorded.WrittenCount));
        }
        if (_recorded.WrittenCount + fresh.Length > limit)
        {
            Overflowed = true;
            StopRecording();
            return;
        }
        foreach (var segment in fresh)
        {
            segment.Span.CopyTo(_recorded.GetSpan(segment.Length));
            _recorded.Advance(segment.Length);
        }
    }
}
