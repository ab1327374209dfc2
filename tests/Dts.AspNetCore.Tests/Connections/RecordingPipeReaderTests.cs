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
}
