using System.Diagnostics.CodeAnalysis;
using Polly;

namespace Dts.AspNetCore.Control;

/// <summary>
/// One handover on its way to a peer: the request and, as the task, its reply. The stream's reader completes it with
/// the reply carrying its id, or with null when the stream broke first (the answer is lost then). Continuations run
/// asynchronously, so the reader loop never runs the origin's code.
/// </summary>
internal sealed class PendingHandover(HandoverRequest request, ControlPeer peer)
    : TaskCompletionSource<HandoverReply?>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public HandoverRequest Request { get; } = request;

    public ControlPeer Peer { get; } = peer;

    /// <summary>When the request was written to the stream (a <see cref="System.Diagnostics.Stopwatch"/> timestamp); 0 before.</summary>
    public long Written { get; set; }

    /// <summary>The handover's wait for its answer, run inside the peer's pipeline (circuit breaker, then timeout).</summary>
    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The peer owns its stream.")]
    public static ValueTask<HandoverReply> SendAsync(PendingHandover handover, CancellationToken cancellationToken) =>
        handover.Peer.Stream().HandOverAsync(handover, cancellationToken);

    /// <summary>Runs <see cref="SendAsync"/> in <paramref name="pipeline"/>, without a closure.</summary>
    public ValueTask<HandoverReply> SendAsync(ResiliencePipeline pipeline, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(static (h, ct) => SendAsync(h, ct), this, cancellationToken);
}
