using System.Collections.Concurrent;
using System.Net;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Control;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Splice;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Handover;
using Dts.Core.Tcp;
using Dts.Linux.Tcp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Handover;

/// <summary>
/// The target's side of a handover: restore the socket (TCP_REPAIR), adopt it into Kestrel, and only then
/// accept the flow in nft (<c>handed_in</c>). Each handover id is applied at most once; a cancelled id is
/// never applied afterwards.
/// </summary>
internal sealed partial class HandoverReceiver(
    IOptions<DtsOptions> options,
    FlowOwnership flows,
    ConnectionAdopter adopter,
    DtsTelemetry telemetry,
    TimeProvider time,
    ILogger<HandoverReceiver> logger,
    SpliceReceiver? splice = null)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead (ms ticks) a restored socket's TS clock starts.</summary>
    private const uint TsMarginMs = 10;
    private readonly ConcurrentDictionary<string, Entry> _seen = new();
    private readonly DtsOptions _options = options.Value;
    private long _nextSweep;

    public async Task<HandoverReply> ApplyAsync(HandoverRequest request)
    {
        Sweep();
        var entry = new Entry(time.GetUtcNow(), time.GetTimestamp());
        var existing = _seen.GetOrAdd(request.HandoverId, entry);
        if (!ReferenceEquals(existing, entry))
        {
            // A duplicate: answer what the first delivery answered (or will answer).
            return existing.Cancelled
                ? new HandoverReply { Accepted = false, Reason = "cancelled" }
                : await existing.Reply.Task.ConfigureAwait(false);
        }
        HandoverReply reply;
        try
        {
            reply = await ApplyAsyncCore(request, () => TryCommit(entry)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reply = Refuse(request, ex.GetType().Name + ": " + ex.Message);
        }
        entry.Reply.TrySetResult(reply);
        return reply;
    }

    /// <summary>
    /// The origin lost the answer and asks what happened. An apply that has not reached its commit point is
    /// stopped there (it undoes what it did and never commits); one that has committed is reported as applied.
    /// Answers at once, whatever the apply is doing.
    /// </summary>
    public async Task<CancelReply> CancelAsync(CancelRequest request)
    {
        var entry = new Entry(time.GetUtcNow(), time.GetTimestamp());
        entry.TryCancel();
        var existing = _seen.GetOrAdd(request.HandoverId, entry);
        if (ReferenceEquals(existing, entry) || existing.TryCancel() || existing.Cancelled)
        {
            return new CancelReply { WasApplied = false };
        }
        // Committed: the apply's outcome is decided; wait for its last steps.
        var reply = await existing.Reply.Task.ConfigureAwait(false);
        return new CancelReply { WasApplied = reply.Accepted };
    }

    private async Task<HandoverReply> ApplyAsyncCore(HandoverRequest request, Func<bool> commit)
    {
        if (!string.Equals(request.Mechanism, _options.Mechanism.ToString(), StringComparison.Ordinal))
        {
            return Refuse(request, $"mechanism {request.Mechanism} but this node runs {_options.Mechanism}");
        }
        if (request.Repair is null)
        {
            return Refuse(request, "no TCP state");
        }
        if (!adopter.IsReady)
        {
            return Refuse(request, "the VIP listener is not bound");
        }
        if (_options.Mechanism == HandoverMechanism.Splice)
        {
            if (splice is null)
            {
                return Refuse(request, "Splice is not set up on this node");
            }
            var spliceStarted = time.GetTimestamp();
            var (accepted, reason) = await splice.ApplyAsync(request, HandoverMessages.FlowOf(request), commit).ConfigureAwait(false);
            if (!accepted)
            {
                return Refuse(request, reason);
            }
            telemetry.HandoverReceived(time.GetElapsedTime(spliceStarted), TimeSpan.Zero);
            return new HandoverReply { Accepted = true };
        }

        var started = time.GetTimestamp();
        var flow = HandoverMessages.FlowOf(request);
        // The TS clock is restored a little ahead: the kernel stamps segments from a cached clock that can be a
        // tick behind the one TCP_TIMESTAMP read, and a TSval one tick older than the origin's last one would be
        // dropped by the client's PAWS check (RFC 7323 §5). A forward jump is harmless.
        var checkpoint = HandoverMessages.StateOf(request.Repair);
        var state = checkpoint with { TsVal = checkpoint.TsVal + TsMarginMs };
        System.Net.Sockets.Socket socket;
        try
        {
            socket = TcpRepair.Restore(state, flow.Local, flow.Client);
        }
        catch (Exception ex)
        {
            return Refuse(request, "restore failed: " + ex.Message);
        }
        var restored = time.GetTimestamp();

        try
        {
            if (!commit())
            {
                throw new InvalidOperationException("cancelled by the origin, or too late to commit");
            }
            flows.AddHandedIn(flow);
            if (!adopter.TryAdopt(socket, new AdoptedConnectionInfo(request.OriginNode, request.HandoverId)))
            {
                throw new InvalidOperationException("Kestrel did not take the connection");
            }
        }
        catch (Exception ex)
        {
            // Close without a sound (back into repair mode first) and give the flow back to the origin.
            TcpRepair.Freeze(socket.SafeHandle);
            socket.Dispose();
            flows.RemoveHandedIn(flow);
            return Refuse(request, ex.Message);
        }
        var done = time.GetTimestamp();
        telemetry.HandoverReceived(time.GetElapsedTime(started, restored), time.GetElapsedTime(restored, done));
        Log.Adopted(logger, request.HandoverId, flow, request.OriginNode);
        return new HandoverReply { Accepted = true };
    }

    private HandoverReply Refuse(HandoverRequest request, string reason)
    {
        Log.Refused(logger, request.HandoverId, request.OriginNode, reason);
        return new HandoverReply { Accepted = false, Reason = reason };
    }

    /// <summary>Forgets handover ids older than <see cref="Remember"/>; runs at most once a second.</summary>
    private void Sweep()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + time.TimestampFrequency, next) != next)
        {
            return;
        }
        var cutoff = time.GetUtcNow() - Remember;
        foreach (var (id, entry) in _seen)
        {
            if (entry.Created < cutoff)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    /// <summary>
    /// One handover id: Pending until the apply commits (the irreversible step) or a cancel stops it, whichever
    /// comes first (a compare-and-swap decides).
    /// </summary>
    private sealed class Entry(DateTimeOffset created, long receivedTimestamp)
    {
        private const int Pending = 0, Committed = 1, CancelledState = 2;
        private int _state;

        public DateTimeOffset Created { get; } = created;

        public long ReceivedTimestamp { get; } = receivedTimestamp;

        public bool Cancelled => Volatile.Read(ref _state) == CancelledState;

        public bool TryCommit() => Interlocked.CompareExchange(ref _state, Committed, Pending) == Pending;

        public bool TryCancel() => Interlocked.CompareExchange(ref _state, CancelledState, Pending) == Pending;

        public TaskCompletionSource<HandoverReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// The target's commit point. False when the origin cancelled, or when half the handover timeout has passed
    /// since the request arrived: the origin decides only after the whole timeout, so a target that commits
    /// late could otherwise own a flow the origin has already taken back.
    /// </summary>
    private bool TryCommit(Entry entry) =>
        time.GetElapsedTime(entry.ReceivedTimestamp) < _options.HandoverTimeout / 2 ? entry.TryCommit() : entry.TryCancel() && false;

    private static partial class Log
    {
        [LoggerMessage(EventIds.Adopted, LogLevel.Debug, "Handover {HandoverId}: adopted {Flow} from {Origin}")]
        public static partial void Adopted(ILogger logger, string handoverId, FlowKey flow, string origin);

        [LoggerMessage(EventIds.Refused, LogLevel.Warning, "Handover {HandoverId} from {Origin} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string handoverId, string origin, string reason);
    }
}
