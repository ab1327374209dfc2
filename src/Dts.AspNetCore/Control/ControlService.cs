using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Membership;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Control;

/// <summary>The target's server end of the control channel (mapped on the control port only).</summary>
internal sealed class ControlService(HandoverReceiver receiver, IOptions<DtsOptions> options, IServiceProvider services) : DtsControl.DtsControlBase
{
    private readonly IHandoverStreamFaults? _faults = services.GetService<IHandoverStreamFaults>(); // tests only

    /// <summary>This node's membership-store contact (etcd membership only; static membership has no store to probe).</summary>
    public override Task<MembershipProbeAnswer> ProbeMembership(MembershipProbe request, ServerCallContext context)
    {
        if (services.GetService<EtcdMembership>() is not { } etcd)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "membership is static"));
        }
        var contact = etcd.AnswerProbe();
        return Task.FromResult(new MembershipProbeAnswer
        {
            Node = options.Value.NodeId,
            StoreContactAgeMs = contact.StoreContactAge is { } age ? (long)age.TotalMilliseconds : -1,
            Renewing = contact.Renewing,
            Fenced = contact.Fenced,
        });
    }

    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Node = options.Value.NodeId, Mechanism = options.Value.Mechanism.ToString() });

    /// <summary>One handover as a unary call (nodes use <see cref="HandOverStream"/>; kept for tools and the before/after measurement).</summary>
    public override async Task<HandoverReply> HandOver(HandoverRequest request, ServerCallContext context)
    {
        var received = Stopwatch.GetTimestamp();
        var answer = HandoverMessages.TryReadOffer(request, out var offer, out var reason)
            ? await receiver.ApplyAsync(offer, received).ConfigureAwait(false)
            : HandoverAnswer.Refused(reason);
        receiver.RecordAnswered(answer, received);
        var reply = HandoverMessages.ToReply(answer);
        reply.HandoverId = request.HandoverId;
        reply.TargetUs = (uint)Math.Min(Stopwatch.GetElapsedTime(received).TotalMicroseconds, uint.MaxValue);
        return reply;
    }

    /// <summary>
    /// One origin's handovers to this node, for as long as the stream lasts. Each request's apply starts at once and
    /// is not awaited here, so a slow apply (Splice's handshake) never holds up the next request; its reply is written
    /// when it completes (at once, on this thread, for an apply that completed synchronously). When the stream ends,
    /// applies in flight still complete: their outcome stays queryable by <see cref="Cancel"/>.
    /// </summary>
    [SuppressMessage("Reliability", "CA2025:Ensure tasks using IDisposable instances complete before the instances are disposed", Justification = "The handler waits for every reply (DrainAsync) before it returns.")]
    public override async Task HandOverStream(
        IAsyncStreamReader<HandoverRequest> requestStream, IServerStreamWriter<HandoverReply> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        // The stream ends when the node stops too (otherwise Kestrel's graceful shutdown would wait for the origin), but
        // only once its drain is over: until the others have taken its buckets and seen it leave, they may still hand
        // connections to it, and the drain's grace lets those land.
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var drained = services.GetService<BucketTable>()?.Drained;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        using var onStopping = stopping.Register(() => EndAfter(drained, ended));
        var replies = new HandoverReplyWriter(responseStream, http, receiver, _faults);
        try
        {
            // Headers now: the origin's warm-up sees the stream open before the first handover.
            await context.WriteResponseHeadersAsync(new Metadata()).ConfigureAwait(false);
            while (await requestStream.MoveNext(ended.Token).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                var received = Stopwatch.GetTimestamp();
                if (_faults?.AbortBeforeApply(request) == true)
                {
                    http.Abort();
                    break;
                }
                if (!HandoverMessages.TryReadOffer(request, out var offer, out var reason))
                {
                    await replies.ReplyAsync(request.HandoverId, HandoverAnswer.Refused(reason), received).ConfigureAwait(false);
                    continue;
                }
                var apply = receiver.ApplyAsync(offer, received);
                if (apply.IsCompletedSuccessfully)
                {
                    // Applied synchronously: replied from this thread, no hop.
                    await replies.ReplyAsync(request.HandoverId, apply.Result, received).ConfigureAwait(false);
                }
                else
                {
                    _ = replies.ReplyWhenAppliedAsync(apply, request.HandoverId, received);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or RpcException)
        {
            // The origin went away, or the node stops: the applies in flight still complete.
        }
        await replies.DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Cancels <paramref name="ended"/> once <paramref name="drained"/> completed (at once without one); a stream already over is left alone.</summary>
    private static void EndAfter(Task? drained, CancellationTokenSource ended)
    {
        static void End(CancellationTokenSource cts)
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended meanwhile.
            }
        }
        if (drained is null)
        {
            End(ended);
            return;
        }
        drained.ContinueWith(static (_, state) => End((CancellationTokenSource)state!), ended, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override async Task<CancelReply> Cancel(CancelRequest request, ServerCallContext context) =>
        new() { WasApplied = await receiver.CancelAsync(request.HandoverId).ConfigureAwait(false) };
}
