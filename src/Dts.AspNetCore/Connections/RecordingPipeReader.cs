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
    private bool _examinedAhead;

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

    /// <summary>
    /// Waits, without polling, until the transport has put bytes into the pipe beyond absolute offset
    /// <paramref name="beyond"/> (<see cref="Observed"/> &gt; it), the input completed, or
    /// <paramref name="cancellationToken"/> fires. Like <see cref="Peek"/> it consumes nothing and leaves nothing
    /// examined, so Kestrel's next read sees every byte at once. Only called while Kestrel is not reading.
    /// </summary>
    /// <returns>True when bytes beyond <paramref name="beyond"/> arrived; false on cancellation or the end of the input.</returns>
    /// <remarks>
    /// To wait for the transport's next flush this reader tells the pipe it examined every byte, which makes the pipe's
    /// next <c>ReadAsync</c> wait for new bytes too. Kestrel examined none of them: until it has, this reader answers
    /// its reads at once with what the pipe holds (<see cref="TryRead"/>), as a pipe would have. A
    /// <see cref="PipeReader.CancelPendingRead"/> Kestrel issues during the wait (the connection is closing) ends it and
    /// is passed on.
    /// </remarks>
    public async ValueTask<bool> WaitForMoreAsync(long beyond, CancellationToken cancellationToken)
    {
        if (Peek() > beyond)
        {
            return true;
        }
        while (true)
        {
            ReadResult result;
            try
            {
                result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            Observe(result.Buffer);
            var done = Observed > beyond || result.IsCompleted || result.IsCanceled || Overflowed;
            // Waiting for more: everything examined, so the next read completes only on the transport's next flush.
            inner.AdvanceTo(result.Buffer.Start, done ? result.Buffer.Start : result.Buffer.End);
            _examinedAhead |= !done;
            if (result.IsCanceled)
            {
                inner.CancelPendingRead();
            }
            if (done)
            {
                return Observed > beyond;
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (TryReadAhead(out result))
        {
            return true;
        }
        if (!inner.TryRead(out result))
        {
            return false;
        }
        Observe(result.Buffer);
        return true;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (TryReadAhead(out var ready))
        {
            return ready;
        }
        var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Observe(result.Buffer);
        return result;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_examinedAhead && _lastBuffer.Slice(0, examined).Length == _lastBuffer.Length)
        {
            // Kestrel examined everything the pipe held: from now on the pipe's own waiting is right again.
            _examinedAhead = false;
        }
        _consumed += _lastBuffer.Slice(0, consumed).Length;
        _lastBuffer = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    /// <summary>
    /// After <see cref="WaitForMoreAsync"/> examined bytes Kestrel has not, the pipe holds them back until the next
    /// flush (an examined byte is no longer "unread" for it): this takes them out at once, through a cancellation
    /// the pipe reports only to this call, which Kestrel gets as an ordinary read.
    /// </summary>
    private bool TryReadAhead(out ReadResult result)
    {
        result = default;
        if (!_examinedAhead)
        {
            return false;
        }
        if (!inner.TryRead(out result))
        {
            inner.CancelPendingRead();
            if (!inner.TryRead(out result))
            {
                return false;
            }
            result = new ReadResult(result.Buffer, isCanceled: false, result.IsCompleted);
        }
        Observe(result.Buffer);
        return true;
    }

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
