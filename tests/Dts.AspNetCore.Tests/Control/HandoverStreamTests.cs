using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Handover;

namespace Dts.AspNetCore.Tests.Control;

/// <summary>
/// The origin's handovers travel on one long-lived <c>HandOverStream</c> per peer, to a real Kestrel target over mutual
/// TLS on loopback: answers matched by id, at-most-once when the answer is lost with the stream, a new stream after a
/// break, and the peer's circuit breaker.
/// </summary>
public sealed class HandoverStreamTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task HandOverAsync_ManyConcurrent_EachGetsItsOwnAnswerOnOneStream()
    {
        // Applies finish out of order (random delays), and odd client ports are refused naming the handover: an answer
        // given to the wrong handover shows.
        var mechanism = new CountingMechanism(async offer =>
        {
            await Task.Delay(Random.Shared.Next(0, 20));
            if (offer.Flow.Client.Port % 2 == 1)
            {
                throw new InvalidOperationException("refused " + offer.HandoverId);
            }
        });
        // What is tested is which answer goes to which handover, not how fast 200 of them get through a busy machine:
        // the handover timeout (and so the target's commit window, half of it) is far beyond any run, so none is
        // refused as stale or taken back by the origin's timeout (at 2 s, a loaded CI machine got one refused).
        var timeout = TimeSpan.FromSeconds(60);
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, mechanism: mechanism, handoverTimeout: timeout);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates, timeout);
        using var _ = certificates;
        await origin.PingPeersAsync(CancellationToken.None); // the warm-up: connection and stream open before the handovers

        var offers = Enumerable.Range(0, 200).Select(i => ControlTestTarget.Offer(1024, clientPort: 40000 + i)).ToArray();
        var answers = await Task.WhenAll(offers.Select(o => origin.HandOverAsync("n2", o, CancellationToken.None)));

        for (var i = 0; i < offers.Length; i++)
        {
            var odd = offers[i].Flow.Client.Port % 2 == 1;
            Assert.Equal((!odd, odd ? "InvalidOperationException: refused " + offers[i].HandoverId : ""), (answers[i].Applied, answers[i].Reason));
            Assert.Equal(odd ? 0 : 1, mechanism.Applied(offers[i].HandoverId));
            Assert.True(answers[i].TargetUs > 0, "the target's time travels with its reply");
        }
        Assert.Equal((1, 1, 1), (target.Streams, target.Connections, origin.StreamsOpened("n2")));
    }

    [Fact]
    public async Task HandOverAsync_SlowApply_DoesNotHoldUpTheNextHandoverOnTheStream()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mechanism = new CountingMechanism(offer => offer.Flow.Client.Port == 40001 ? gate.Task : Task.CompletedTask);
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, mechanism: mechanism);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        await origin.PingPeersAsync(CancellationToken.None);

        var slow = origin.HandOverAsync("n2", ControlTestTarget.Offer(1024, clientPort: 40001), CancellationToken.None);
        var fast = await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024, clientPort: 40002), CancellationToken.None);
        var slowWasWaiting = !slow.IsCompleted;
        gate.SetResult();

        Assert.True(fast.Applied, fast.Reason);
        Assert.True(slowWasWaiting);
        Assert.True((await slow).Applied);
        Assert.Equal((1, 1), (target.Streams, origin.StreamsOpened("n2")));
    }

    [Fact]
    public async Task HandOverAsync_StreamDiesAfterTheApply_AppliedOnceAndTheCancelQuerySaysApplied()
    {
        var faults = new AbortOnce(beforeReply: true);
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, faults: faults);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        var offer = ControlTestTarget.Offer(1024);
        faults.HandoverId = offer.HandoverId;

        var answer = await origin.HandOverAsync("n2", offer, CancellationToken.None);

        Assert.True(faults.Fired);
        Assert.True(answer.Applied, answer.Reason);
        Assert.Equal(0u, answer.TargetUs); // no reply came: the Cancel query answered
        Assert.Equal(1, target.Mechanism.Applied(offer.HandoverId));
    }

    [Fact]
    public async Task HandOverAsync_StreamDiesBeforeTheApply_NotAppliedEvenWhenDeliveredAgain()
    {
        var faults = new AbortOnce(beforeReply: false);
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, faults: faults);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        var offer = ControlTestTarget.Offer(1024);
        faults.HandoverId = offer.HandoverId;

        var answer = await origin.HandOverAsync("n2", offer, CancellationToken.None);
        var again = await origin.HandOverAsync("n2", offer, CancellationToken.None);

        Assert.True(faults.Fired);
        Assert.False(answer.Applied);
        Assert.StartsWith("answer lost, cancelled: ", answer.Reason, StringComparison.Ordinal);
        Assert.Equal((false, "cancelled"), (again.Applied, again.Reason));
        Assert.Equal(2, origin.StreamsOpened("n2"));
        Assert.Equal(0, target.Mechanism.Applied(offer.HandoverId));
    }

    [Fact]
    public async Task HandOverAsync_TargetRestarted_NextHandoverSucceedsOnANewStream()
    {
        var first = await ControlTestTarget.StartAsync(_certificates.Directory);
        var port = first.Port;
        using var origin = ControlTestTarget.Origin(_certificates.Directory, port, out var certificates);
        using var _ = certificates;
        Assert.True((await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024), CancellationToken.None)).Applied);

        await first.DisposeAsync();
        await using var second = await ControlTestTarget.StartAsync(_certificates.Directory, port);
        await WaitUntilAsync(() => !origin.HasOpenStream("n2")); // the stopping target ended the stream
        var answer = await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024), CancellationToken.None);

        Assert.True(answer.Applied, answer.Reason);
        Assert.Equal((2, 1, 1), (origin.StreamsOpened("n2"), second.Streams, second.Mechanism.TotalApplied));
    }

    [Fact]
    public async Task HandOverAsync_StreamBrokenBetweenHandovers_NextHandoverSucceedsOnANewStream()
    {
        var faults = new AbortOnce(beforeReply: false);
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, faults: faults);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        var broken = ControlTestTarget.Offer(1024);
        faults.HandoverId = broken.HandoverId;
        Assert.False((await origin.HandOverAsync("n2", broken, CancellationToken.None)).Applied);

        var answer = await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024), CancellationToken.None);

        Assert.True(answer.Applied, answer.Reason);
        Assert.Equal((2, 2), (origin.StreamsOpened("n2"), target.Streams));
    }

    [Theory]
    [InlineData(true)]  // a hung process: the connection is accepted and nothing answers; every handover times out
    [InlineData(false)] // a stopped process: the connection is refused
    public async Task HandOverAsync_PeerDead_CircuitOpensAndRefusesWithoutTrying(bool listening)
    {
        using var dead = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        dead.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (listening)
        {
            dead.Listen(16);
        }
        var timeout = TimeSpan.FromMilliseconds(300);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, ((IPEndPoint)dead.LocalEndPoint!).Port, out var certificates, timeout);
        using var _ = certificates;

        for (var i = 0; i < 4; i++)
        {
            var failed = await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024), CancellationToken.None);
            Assert.False(failed.Applied);
            Assert.StartsWith("n2 unreachable: ", failed.Reason, StringComparison.Ordinal);
        }
        var started = Stopwatch.GetTimestamp();
        var refused = await origin.HandOverAsync("n2", ControlTestTarget.Offer(1024), CancellationToken.None);
        var took = Stopwatch.GetElapsedTime(started);

        Assert.Equal((false, "circuit to n2 is open"), (refused.Applied, refused.Reason));
        Assert.True(took < timeout / 2, $"refused after {took.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task HandOverStream_MalformedRequest_RefusedNamingTheReason()
    {
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory);
        using var certificates = new ControlCertificates(Microsoft.Extensions.Options.Options.Create(new DtsOptions
        {
            Certificates = new DtsCertificateOptions
            {
                CaPath = Path.Combine(_certificates.Directory, "ca.pem"),
                CertPath = Path.Combine(_certificates.Directory, "n1.pem"),
                KeyPath = Path.Combine(_certificates.Directory, "n1.key"),
            },
        }));
        var client = ControlTestTarget.RawClient(certificates, target.Port, out var channel);
        using var _ = channel;
        using var call = client.HandOverStream();

        var request = HandoverMessages.ToRequest(ControlTestTarget.Offer(16));
        request.Tcp = null;
        await call.RequestStream.WriteAsync(request);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var reply = call.ResponseStream.Current;
        Assert.Equal((request.HandoverId, false, "no TCP state"), (reply.HandoverId, reply.Accepted, reply.Reason));
        Assert.Equal(0, target.Mechanism.TotalApplied);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met within 5 s");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _certificates.Dispose();

    /// <summary>Aborts the stream once, for one handover id, before its apply or before its reply.</summary>
    private sealed class AbortOnce(bool beforeReply) : IHandoverStreamFaults
    {
        private int _fired;

        public string HandoverId { get; set; } = "";

        public bool Fired => Volatile.Read(ref _fired) == 1;

        public bool AbortBeforeApply(HandoverRequest request) => !beforeReply && Fire(request.HandoverId);

        public bool AbortBeforeReply(string handoverId) => beforeReply && Fire(handoverId);

        private bool Fire(string handoverId) => handoverId == HandoverId && Interlocked.Exchange(ref _fired, 1) == 0;
    }
}
