using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Dispatch;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Mechanisms;
using Dts.AspNetCore.Membership;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Tcp;
using Dts.Linux;
using Dts.Linux.Tcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Handover;

/// <summary>
/// The origin's side of a handover (ARCHITECTURE §3, "Handover"), whatever the mechanism: drop the flow in nft,
/// checkpoint the socket (frozen only for the checkpoint's syscalls), have the mechanism capture its state, ship it
/// with the unconsumed byte stream to the target, and forget the socket on the target's OK (frozen again, so that
/// its close sends nothing) — or let the flow's segments pass again and keep the connection on any failure.
/// A target that is not a live member (<see cref="MembershipView.IsAvailable"/>: it left between the dispatch and
/// now) is refused before any of that, with <see cref="TargetNotMember"/>, so the route's fallback applies.
/// </summary>
internal sealed partial class HandoverCoordinator(
    IOptions<DtsOptions> options,
    IHandoverMechanism mechanism,
    FlowOwnership flows,
    ControlChannel control,
    IClusterMembership membership,
    DtsTelemetry telemetry,
    TimeProvider time,
    ILogger<HandoverCoordinator> logger)
{
    /// <summary>How long the origin waits for Kestrel's transport to move the kernel's receive queue into its pipe.</summary>
    private static readonly TimeSpan QuiesceBound = TimeSpan.FromMilliseconds(50);

    /// <summary>The reason of a handover refused because its target is not an active member.</summary>
    public const string TargetNotMember = "target is not a member";

    private readonly string _self = options.Value.NodeId;

    /// <summary>
    /// Hands <paramref name="connection"/> to <paramref name="decision"/>'s node, or keeps it here and says why not
    /// (<see cref="HandoverStatus.NotEligible"/> or <see cref="HandoverStatus.Failed"/>, the connection untouched and
    /// live). A target that is not an active member is refused first, before the flow table, the socket or the control
    /// channel are touched (<see cref="TargetNotMember"/>, counted as a failed handover).
    /// </summary>
    /// <param name="dispatch">How long the dispatch decision took (phase <c>dispatch</c>, the first of a handover's wall time).</param>
    /// <remarks>
    /// Traced as span <see cref="DtsTracing.HandoverOrigin"/> (when a listener samples it): its W3C context travels in the
    /// offer, so the target's span is its child; its phases are events; a failure sets status Error with the reason.
    /// </remarks>
    public async Task<HandoverResult> TryHandOverAsync(
        HttpContext context, DtsConnectionFeature connection, DispatchDecision decision, CancellationToken cancellationToken, TimeSpan dispatch = default)
    {
        using var activity = DtsTracing.Source.StartActivity(DtsTracing.HandoverOrigin, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DtsTracing.Mechanism, mechanism.Kind.ToString());
            activity.SetTag(DtsTracing.Target, decision.NodeId);
            DtsTracing.SetFlow(activity, connection.Flow);
        }
        var view = membership.View;
        if (!view.IsAvailable(decision.NodeId!))
        {
            telemetry.HandoverFailed(mechanism.Kind, connection.Flow, decision.NodeId!, TargetNotMember);
            Log.TargetNotMember(logger, connection.Flow, decision.NodeId!, view.Revision);
            if (activity is not null)
            {
                DtsTracing.SetFailed(activity, "failed", TargetNotMember);
            }
            return HandoverResult.Failed(TargetNotMember);
        }

        string? reason;
        try
        {
            reason = CheckEligible(context, connection) ?? mechanism.CheckEligible(connection);
        }
        catch (ObjectDisposedException)
        {
            // Kestrel already closed the socket (the client half-closed or went away).
            reason = "the connection is closed";
        }
        if (reason is not null)
        {
            // Not a failure: the route's fallback serves a connection no mechanism can move (TLS, HTTP/2, ...).
            activity?.SetTag(DtsTracing.Outcome, "not_eligible");
            activity?.SetTag(DtsTracing.FallbackReason, reason);
            return HandoverResult.NotEligible(reason);
        }

        var flow = connection.Flow;
        var handoverId = Guid.NewGuid().ToString("N");
        activity?.SetTag(DtsTracing.HandoverId, handoverId);
        var phases = new HandoverPhases();
        phases.Add("dispatch", dispatch);
        var started = time.GetTimestamp();
        var mark = started;
        SafeHandle? dup = null;
        var applied = false;
        try
        {
            // 1. Nothing of this flow may enter or leave the origin's stack from here on. (The set holds no element
            //    of this flow yet: one left by an earlier connection on this 4-tuple would have dropped this
            //    connection's SYN.)
            flows.AddHandedOut(flow);
            phases.Lap("nft", ref mark, time);

            // 2. Let the transport drain the kernel's receive queue into Kestrel's pipe.
            var recorder = connection.Pipe!.Recorder;
            dup = TcpRepair.Duplicate(connection.Socket!.SafeHandle);
            await QuiesceAsync(dup, recorder, cancellationToken).ConfigureAwait(false);
            phases.Lap("quiesce", ref mark, time);

            // 3. Checkpoint. Repair mode while Kestrel's transport reads the socket makes its recv() fail (EPERM;
            //    EINVAL for its MSG_PEEK wait), which Kestrel takes for a broken connection and aborts it: a handover
            //    that then failed lost the connection instead of falling back. So a connection the VIP listener
            //    anchored at accept is checkpointed without repair mode; the rest inside a freeze no longer than its
            //    syscalls. Either way the socket stays live, and changes nothing the target restores: handed_out
            //    drops its segments both ways, and the app writes nothing until the dispatch is decided.
            var (checkpoint, state, bytesReceived) = Checkpoint(dup, connection.Anchor);
            phases.Lap("checkpoint", ref mark, time);
            if (state != TcpSocketState.Established)
            {
                return Abort(flow, decision.NodeId!, $"TCP state {state} at the checkpoint", activity, phases);
            }

            // 4. The unconsumed stream: every byte the client sent that this node's app did not answer — what the
            //    transport had taken from the kernel before the checkpoint (it may take the rest meanwhile: those
            //    bytes travel in the checkpoint's receive queue), then that queue.
            var inUserSpace = checked((long)bytesReceived - checkpoint.RecvQueue.Length);
            recorder.RecordUpTo(inUserSpace);
            if (!await WaitForRecorderAsync(recorder, inUserSpace, cancellationToken).ConfigureAwait(false))
            {
                return Abort(flow, decision.NodeId!, $"recorded {recorder.Observed} bytes, the socket delivered {inUserSpace}", activity, phases);
            }
            checkpoint = checkpoint with { RecvQueue = Concat(recorder.Recorded.Span[..checked((int)inUserSpace)], checkpoint.RecvQueue.Span) };
            var (traceParent, traceState) = DtsTracing.ContextOf(activity);
            var offer = new HandoverOffer(
                handoverId, _self, mechanism.Kind, flow, mechanism.Capture(connection, checkpoint), time.GetUtcNow(), traceParent, traceState);
            phases.Lap("record", ref mark, time);

            // 5. Ask the target. From here on only its answer (or, when that is lost, the Cancel query) decides: a
            //    client that aborts meanwhile must not make the origin take back a flow the target may commit.
            var answer = await control.HandOverAsync(decision.NodeId!, offer, CancellationToken.None).ConfigureAwait(false);
            AddControlPhases(ref phases, ref mark, answer);
            applied = answer.Applied;
            if (!applied)
            {
                return Abort(flow, decision.NodeId!, answer.Reason, activity, phases);
            }

            // 6. The target owns the flow: silence Kestrel's output and put the socket back in repair mode, so its
            //    close sends nothing (its segments are dropped by handed_out anyway).
            try
            {
                TcpRepair.Freeze(dup);
            }
            catch (LinuxSocketException)
            {
                // Not silent then, but handed_out drops whatever the close sends.
            }
            connection.Pipe.Silencer.Silence();
            connection.HandedOut = true;
            phases.Lap("release", ref mark, time);
            var total = dispatch + time.GetElapsedTime(started, mark);
            telemetry.HandoverCompleted(mechanism.Kind, phases, total);
            if (activity is not null)
            {
                activity.SetTag(DtsTracing.Outcome, "handed_over");
                DtsTracing.AddPhases(activity, phases, new DateTimeOffset(activity.StartTimeUtc) - dispatch);
            }
            Log.HandedOver(logger, handoverId, flow, decision.NodeId!, total.TotalMicroseconds);
            return HandoverResult.HandedOver;
        }
        catch (Exception ex) when (!applied)
        {
            return Abort(flow, decision.NodeId!, ex.GetType().Name + ": " + ex.Message, activity, phases);
        }
        finally
        {
            dup?.Dispose();
        }
    }

    /// <summary>
    /// The control channel's share of the handover, split as <see cref="ControlChannel.Answer"/> measured it:
    /// <c>serialise</c>, <c>send</c>, <c>target</c> (the target's own time, from its reply) and <c>network</c> (the
    /// rest of the wait: the wire, both HTTP/2 stacks, thread hops).
    /// </summary>
    private void AddControlPhases(ref HandoverPhases phases, ref long mark, ControlChannel.Answer answer)
    {
        var now = time.GetTimestamp();
        var call = time.GetElapsedTime(mark, now);
        mark = now;
        var measured = answer.Serialise + answer.Send + answer.Wait;
        phases.Add("serialise", answer.Serialise);
        phases.Add("send", answer.Send);
        var target = TimeSpan.FromMicroseconds(Math.Min(answer.TargetUs, answer.Wait.TotalMicroseconds));
        phases.Add("network", answer.Wait - target + (call > measured ? call - measured : TimeSpan.Zero));
        phases.Add("target", target);
    }

    /// <summary>What every mechanism needs: plain HTTP/1.x, the head within the recording limit, nothing answered yet, ESTABLISHED.</summary>
    private static string? CheckEligible(HttpContext context, DtsConnectionFeature connection)
    {
        if (connection.Socket is null || connection.Pipe is null)
        {
            return "no socket";
        }
        if (context.Request.IsHttps)
        {
            return "TLS";
        }
        if (!HttpProtocol.IsHttp11(context.Request.Protocol) && !HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            return context.Request.Protocol;
        }
        if (connection.Pipe.Recorder.Overflowed)
        {
            return "request head and read-ahead over the recording limit";
        }
        if (TcpRepair.GetOutq(connection.Socket.SafeHandle) != 0)
        {
            return "response bytes already sent";
        }
        var state = TcpRepair.GetInfo(connection.Socket.SafeHandle).State;
        return state == TcpSocketState.Established ? null : $"TCP state {state}";
    }

    /// <summary>
    /// The checkpoint and, from the same instant, the socket's TCP state and tcpi_bytes_received (bytes): without
    /// repair mode when the VIP listener anchored the connection (<see cref="TcpRepair.CheckpointLive"/>), else inside
    /// a freeze (<see cref="TcpRepair.Freeze"/>, <see cref="TcpRepair.Checkpoint"/>, <see cref="TcpRepair.Thaw"/>).
    /// </summary>
    private static (TcpRepairState Checkpoint, TcpSocketState State, ulong BytesReceived) Checkpoint(SafeHandle socket, TcpCheckpointAnchor? anchor)
    {
        if (anchor is not null)
        {
            var live = TcpRepair.CheckpointLive(socket, anchor, out var received);
            return (live, TcpSocketState.Established, received);
        }
        TcpRepair.Freeze(socket);
        try
        {
            var checkpoint = TcpRepair.Checkpoint(socket);
            var info = TcpRepair.GetInfo(socket);
            return (checkpoint, info.State, info.BytesReceived);
        }
        finally
        {
            TcpRepair.Thaw(socket);
        }
    }

    /// <summary>
    /// Waits until the kernel's receive queue is empty (the transport moved it into Kestrel's pipe; handed_out lets
    /// nothing new in), within <see cref="QuiesceBound"/>; woken by the transport's flushes, not by polling.
    /// </summary>
    private static async Task QuiesceAsync(SafeHandle socket, RecordingPipeReader recorder, CancellationToken cancellationToken)
    {
        if (TcpRepair.GetInq(socket) == 0)
        {
            return;
        }
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(QuiesceBound);
        while (TcpRepair.GetInq(socket) > 0 && await recorder.WaitForMoreAsync(recorder.Peek(), bound.Token).ConfigureAwait(false))
        {
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Waits until the recorder has seen <paramref name="expected"/> bytes (what the socket delivered to the transport
    /// before the checkpoint), within <see cref="QuiesceBound"/>, woken by the transport's flushes. False when they
    /// did not arrive in time or the recording overflowed.
    /// </summary>
    private static async Task<bool> WaitForRecorderAsync(RecordingPipeReader recorder, long expected, CancellationToken cancellationToken)
    {
        if (recorder.Peek() >= expected || recorder.Overflowed)
        {
            return !recorder.Overflowed;
        }
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(QuiesceBound);
        while (recorder.Observed < expected && !recorder.Overflowed
            && await recorder.WaitForMoreAsync(recorder.Observed, bound.Token).ConfigureAwait(false))
        {
        }
        cancellationToken.ThrowIfCancellationRequested();
        return recorder.Observed >= expected && !recorder.Overflowed;
    }

    /// <summary>The origin keeps the connection: the socket is live (it is frozen only around the checkpoint), the flow's segments pass again.</summary>
    /// <param name="activity">The handover's span, if recorded: marked failed (status Error, the reason) with the phases that ran.</param>
    private HandoverResult Abort(FlowKey flow, string target, string reason, Activity? activity, in HandoverPhases phases)
    {
        if (activity is not null)
        {
            // phases[0] is dispatch, which ended when the span started.
            DtsTracing.SetFailed(activity, "failed", reason);
            DtsTracing.AddPhases(activity, phases, new DateTimeOffset(activity.StartTimeUtc) - phases[0].Duration);
        }
        flows.RemoveHandedOut(flow);
        telemetry.HandoverFailed(mechanism.Kind, flow, target, reason);
        Log.HandoverFailed(logger, flow, reason);
        return HandoverResult.Failed(reason);
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var all = new byte[a.Length + b.Length];
        a.CopyTo(all);
        b.CopyTo(all.AsSpan(a.Length));
        return all;
    }
}
