using BenchmarkDotNet.Attributes;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Tests.Control;
using Google.Protobuf;

namespace Dts.AspNetCore.Benchmarks;

/// <summary>
/// The managed work per handover on the control channel, both ends: the origin builds the request from the offer and
/// serialises it; the target parses the wire bytes and reads the offer back. The unconsumed stream is the payload
/// that grows; the origin wraps its arrays (no copy), the parser copies them once.
/// </summary>
[MemoryDiagnoser]
public class HandoverMessagesBenchmarks
{
    private HandoverOffer _offer = null!;
    private byte[] _wire = [];

    /// <summary>Size of the unconsumed stream (the checkpoint's receive queue).</summary>
    [Params(1024, 65536)]
    public int StreamBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _offer = ControlTestTarget.Offer(StreamBytes);
        _wire = HandoverMessages.ToRequest(_offer).ToByteArray();
    }

    /// <summary>Origin: offer to protobuf message (what <c>Answer.Serialise</c> measures).</summary>
    [Benchmark]
    public object ToRequest() => HandoverMessages.ToRequest(_offer);

    /// <summary>Origin: offer to message to wire bytes (gRPC serialises into its own buffer; this adds the array).</summary>
    [Benchmark]
    public byte[] ToRequestToBytes() => HandoverMessages.ToRequest(_offer).ToByteArray();

    /// <summary>Target: wire bytes to message to offer.</summary>
    [Benchmark]
    public object? ParseAndReadOffer()
    {
        var request = HandoverRequest.Parser.ParseFrom(_wire);
        return HandoverMessages.TryReadOffer(request, out var offer, out _) ? offer : null;
    }

    /// <summary>Both ends: offer to wire bytes and back to an offer.</summary>
    [Benchmark(Baseline = true)]
    public object? RoundTrip()
    {
        var request = HandoverRequest.Parser.ParseFrom(HandoverMessages.ToRequest(_offer).ToByteArray());
        return HandoverMessages.TryReadOffer(request, out var offer, out _) ? offer : null;
    }
}
