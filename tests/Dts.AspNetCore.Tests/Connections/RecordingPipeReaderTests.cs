using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Dts.AspNetCore.Connections;

namespace Dts.AspNetCore.Tests.Connections;

public sealed class RecordingPipeReaderTests
{
    [Fact]
    public async Task Peek_AfterConsumerReadPart_RecordsEveryByteSinceTheStart()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));

        // The consumer (Kestrel) parses and consumes the first request ...
        var first = await recorder.ReadAsync();
        recorder.AdvanceTo(first.Buffer.End);
        // ... while the transport keeps filling the pipe with a pipelined request and body bytes.
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz"));

        var observed = recorder.Peek();

        var expected = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz";
        Assert.Equal(expected.Length, observed);
        Assert.Equal(expected, Encoding.ASCII.GetString(recorder.Recorded.Span));

        // Peek consumed nothing: the consumer still gets the second request.
        var second = await recorder.ReadAsync();
        Assert.StartsWith("POST /b", Encoding.ASCII.GetString(second.Buffer.FirstSpan));
    }

    [Fact]
    public async Task Observe_OverLimit_OverflowsAndStopsRecording()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 16);
        await pipe.Writer.WriteAsync(new byte[17]);

        var result = await recorder.ReadAsync();

        Assert.Equal(17, result.Buffer.Length);
        Assert.True(recorder.Overflowed);
        Assert.Equal(0, recorder.Recorded.Length);
    }

    [Fact]
    public async Task WaitForMoreAsync_TransportFlushesLater_WakesOnTheFlushAndLeavesTheBytesForKestrel()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("POST /u HTTP/1.1\r\nContent-Length: 6\r\n\r\n"));
        var head = recorder.Peek();

        var wait = recorder.WaitForMoreAsync(head, CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("abcdef"));

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(head + 6, recorder.Observed);
        // Nothing consumed or examined: Kestrel's next read returns the whole request at once.
        var read = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(head + 6, read.Buffer.Length);
        Assert.False(read.IsCanceled);
    }

    [Fact]
    public async Task WaitForMoreAsync_Cancelled_ReturnsFalseAndKestrelsNextReadIsNeitherBlockedNorCancelled()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.False(await recorder.WaitForMoreAsync(recorder.Peek(), cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        var read = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(read.IsCanceled);
        Assert.Equal(18, read.Buffer.Length);
    }

    [Fact]
    public async Task WaitForMoreAsync_CancelledRightAfterItEnded_KestrelNeverSeesACancelledRead()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        using var cts = new CancellationTokenSource();
        var wait = recorder.WaitForMoreAsync(0, cts.Token).AsTask();
        await pipe.Writer.WriteAsync(new byte[] { 1, 2, 3 });
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));

        await cts.CancelAsync();

        var read = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(read.IsCanceled);
        Assert.Equal(3, read.Buffer.Length);
    }

    [Fact]
    public async Task WaitForMoreAsync_KestrelCancelsThePendingReadMeanwhile_KestrelStillSeesItsCancellation()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        var wait = recorder.WaitForMoreAsync(0, CancellationToken.None).AsTask();

        // Kestrel closing the connection cancels the input's pending read.
        recorder.CancelPendingRead();

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        var read = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(read.IsCanceled);
    }

    /// <summary>
    /// The fallback path after a failed handover: the recorder's wait examined the body bytes ahead of Kestrel, then
    /// Kestrel reads the body in small pieces (a 4 KiB <c>Request.Body.ReadAsync</c> examines only what it consumed).
    /// Every piece comes at once and in order, and once Kestrel has consumed all, its next read waits for the next
    /// flush and returns exactly the new bytes, never a cancelled read.
    /// </summary>
    [Fact]
    public async Task WaitForMoreAsync_TimedOut_KestrelThenReadsInSmallPieces_GetsEveryByteInOrderThenWaitsForTheNextFlush()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        var body = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        await pipe.Writer.WriteAsync(body);
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            Assert.False(await recorder.WaitForMoreAsync(recorder.Peek(), cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        var received = new List<byte>();
        while (received.Count < body.Length)
        {
            var read = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(read.IsCanceled);
            var piece = read.Buffer.Slice(0, Math.Min(4096, read.Buffer.Length));
            received.AddRange(piece.ToArray());
            recorder.AdvanceTo(piece.End);
        }
        Assert.Equal(body, received);

        var next = recorder.ReadAsync().AsTask();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        await pipe.Writer.WriteAsync(new byte[] { 42, 43 });
        var last = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(last.IsCanceled);
        Assert.Equal(new byte[] { 42, 43 }, last.Buffer.ToArray());
    }

    /// <summary>
    /// Kestrel needs more bytes than the pipe holds (it examines all, consumes none) after the recorder's wait
    /// examined ahead: its next read must wait for the transport's flush, not spin on the same bytes.
    /// </summary>
    [Fact]
    public async Task WaitForMoreAsync_TimedOut_KestrelExaminesAllConsumesNone_NextReadWaitsForTheFlush()
    {
        var pipe = new Pipe();
        var recorder = new RecordingPipeReader(pipe.Reader, limit: 1 << 20);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("5\r\nab"));
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            Assert.False(await recorder.WaitForMoreAsync(recorder.Peek(), cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        var first = await recorder.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, first.Buffer.Length);
        recorder.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        var next = recorder.ReadAsync().AsTask();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("cde"));
        var second = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(second.IsCanceled);
        Assert.Equal("5\r\nabcde", Encoding.ASCII.GetString(second.Buffer.ToArray()));
    }
}
