using System.Diagnostics;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Tests;
using Dts.AspNetCore.Tests.Control;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dts.AspNetCore.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Dts.AspNetCore.Benchmarks -- roundtrip [calls] [streamBytes]</c>: the round
/// trip of a handover offer to a real target (Kestrel, HTTP/2 over mutual TLS on loopback, a mechanism that only takes
/// the commit point), sequential calls, as a unary <c>HandOver</c> call per handover (before issue 9) and on the
/// peer's long-lived <c>HandOverStream</c> (<see cref="ControlChannel.HandOverAsync"/>). Both include building the
/// request and a Polly pipeline (circuit breaker, then timeout). Rounds alternate, so drift hits both alike.
/// </summary>
internal static class ControlRoundTrip
{
    public static async Task RunAsync(int calls, int streamBytes)
    {
        using var certificates = new TestCertificates();
        await using var target = await ControlTestTarget.StartAsync(certificates.Directory);
        using var origin = ControlTestTarget.Origin(certificates.Directory, target.Port, out var controlCertificates);
        using var _ = controlCertificates;
        var unary = ControlTestTarget.RawClient(controlCertificates, target.Port, out var unaryChannel);
        using var __ = unaryChannel;
        var pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<RpcException>() })
            .AddTimeout(TimeSpan.FromSeconds(2))
            .Build();
        await origin.PingPeersAsync(CancellationToken.None);

        var unaryUs = new List<double>(calls);
        var streamUs = new List<double>(calls);
        var serialiseUs = new List<double>(calls);
        var sendUs = new List<double>(calls);
        var waitUs = new List<double>(calls);
        var targetUs = new List<double>(calls);
        long unaryBytes = 0, streamBytesAllocated = 0;
        const int Rounds = 4;
        for (var round = -1; round < Rounds; round++)
        {
            // Round -1 warms both paths up (JIT, connections, the stream) and is not counted.
            var n = round < 0 ? 500 : calls / Rounds;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < n; i++)
            {
                var offer = ControlTestTarget.Offer(streamBytes);
                var started = Stopwatch.GetTimestamp();
                var reply = await pipeline.ExecuteAsync(
                    static async (state, ct) => await state.unary.HandOverAsync(HandoverMessages.ToRequest(state.offer), cancellationToken: ct),
                    (unary, offer), CancellationToken.None);
                var took = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                if (!reply.Accepted)
                {
                    throw new InvalidOperationException("unary refused: " + reply.Reason);
                }
                if (round >= 0)
                {
                    unaryUs.Add(took);
                }
            }
            unaryBytes += round >= 0 ? GC.GetTotalAllocatedBytes(precise: true) - allocated : 0;
            allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < n; i++)
            {
                var offer = ControlTestTarget.Offer(streamBytes);
                var started = Stopwatch.GetTimestamp();
                var answer = await origin.HandOverAsync("n2", offer, CancellationToken.None);
                var took = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                if (!answer.Applied)
                {
                    throw new InvalidOperationException("stream refused: " + answer.Reason);
                }
                if (round >= 0)
                {
                    streamUs.Add(took);
                    serialiseUs.Add(answer.Serialise.TotalMicroseconds);
                    sendUs.Add(answer.Send.TotalMicroseconds);
                    waitUs.Add(answer.Wait.TotalMicroseconds);
                    targetUs.Add(answer.TargetUs);
                }
            }
            streamBytesAllocated += round >= 0 ? GC.GetTotalAllocatedBytes(precise: true) - allocated : 0;
        }

        Console.WriteLine($"Handover round trip, {streamBytes} B stream, {calls} sequential calls per path, loopback mTLS, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"target: {target.Streams} HandOverStream call(s), {target.Connections} TLS connection(s) accepted (stream + unary clients)");
        Console.WriteLine("path                     p50 µs    p90 µs    p99 µs   mean µs");
        Print("unary HandOver", unaryUs);
        Print("HandOverStream", streamUs);
        Print("  stream: serialise", serialiseUs);
        Print("  stream: send", sendUs);
        Print("  stream: wait", waitUs);
        Print("  stream: target_us", targetUs);
        // Both ends run in this process: origin, target, Kestrel, SocketsHttpHandler, and the test's offer (streamBytes + a few hundred B).
        Console.WriteLine($"allocated per handover, both ends and the offer: unary {unaryBytes / unaryUs.Count} B, stream {streamBytesAllocated / streamUs.Count} B");
    }

    private static void Print(string name, List<double> values)
    {
        values.Sort();
        Console.WriteLine($"{name,-22} {At(values, 0.50),8:F1}  {At(values, 0.90),8:F1}  {At(values, 0.99),8:F1}  {values.Average(),8:F1}");
    }

    private static double At(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
}
