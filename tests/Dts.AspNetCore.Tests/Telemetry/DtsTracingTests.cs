using System.Diagnostics;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Telemetry;
using Dts.AspNetCore.Tests.Control;

namespace Dts.AspNetCore.Tests.Telemetry;

/// <summary>
/// One trace across both nodes: the origin's handover span's W3C context travels in the handover message over the real
/// control channel (Kestrel, HTTP/2, mutual TLS on loopback) to the product's receiver, whose span is its child.
/// </summary>
public sealed class DtsTracingTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly SpanRecorder _spans = new();

    [Fact]
    public async Task HandOverAsync_OriginSpanRecorded_TargetSpanIsItsChildWithItsPhases()
    {
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        await origin.PingPeersAsync(CancellationToken.None); // the warm-up: connection and stream open before the handover

        ActivityContext originSpan;
        ControlChannel.Answer answer;
        var offer = ControlTestTarget.Offer(1024);
        using (var handover = DtsTracing.Source.StartActivity(DtsTracing.HandoverOrigin, ActivityKind.Client))
        {
            Assert.NotNull(handover);
            originSpan = handover.Context;
            var (traceParent, traceState) = DtsTracing.ContextOf(handover);
            offer = offer with { TraceParent = traceParent, TraceState = traceState };
            answer = await origin.HandOverAsync("n2", offer, CancellationToken.None);
        }

        Assert.True(answer.Applied, answer.Reason);
        var applied = Assert.Single(_spans.Spans(DtsTracing.HandoverTarget, DtsTracing.HandoverId, offer.HandoverId));
        Assert.Equal(originSpan.TraceId, applied.TraceId);
        Assert.Equal(originSpan.SpanId, applied.ParentSpanId);
        Assert.Equal(ActivityKind.Server, applied.Kind);
        Assert.Equal("applied", applied.GetTagItem(DtsTracing.Outcome));
        Assert.Equal("n1", applied.GetTagItem(DtsTracing.Origin));
        Assert.Equal(offer.Flow.Client.Address.ToString(), applied.GetTagItem("network.peer.address"));
        var receive = Assert.Single(applied.Events, e => e.Name == "receive");
        Assert.True((double)receive.Tags.Single(t => t.Key == DtsTracing.PhaseDuration).Value! > 0, "the phase's duration, µs");
        Assert.Equal(ActivityStatusCode.Unset, applied.Status);
    }

    [Fact]
    public async Task HandOverAsync_RefusedWithoutTraceContext_TargetSpanIsARootMarkedWithTheReason()
    {
        // The origin recorded no span: the target's is a root, never a child of the control stream's own request span.
        var mechanism = new CountingMechanism(_ => throw new InvalidOperationException("no room"));
        await using var target = await ControlTestTarget.StartAsync(_certificates.Directory, mechanism: mechanism);
        using var origin = ControlTestTarget.Origin(_certificates.Directory, target.Port, out var certificates);
        using var _ = certificates;
        await origin.PingPeersAsync(CancellationToken.None);
        var offer = ControlTestTarget.Offer(1024);

        var answer = await origin.HandOverAsync("n2", offer, CancellationToken.None);

        Assert.False(answer.Applied);
        var refused = Assert.Single(_spans.Spans(DtsTracing.HandoverTarget, DtsTracing.HandoverId, offer.HandoverId));
        Assert.Equal(default, refused.ParentSpanId);
        Assert.Equal("refused", refused.GetTagItem(DtsTracing.Outcome));
        Assert.Equal(answer.Reason, refused.GetTagItem(DtsTracing.FallbackReason));
        Assert.Equal((ActivityStatusCode.Error, answer.Reason), (refused.Status, refused.StatusDescription));
    }

    public void Dispose()
    {
        _spans.Dispose();
        _certificates.Dispose();
    }
}
