using System.Diagnostics.CodeAnalysis;
using Dts.AspNetCore.Handover;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// One synthetic handshake in progress on the target: what the NFQUEUE handler saw of the target's own
/// packets for the flow (its SYN-ACK, then its ACKs of the injected bytes). Nothing of the flow reaches the
/// wire while it exists. Guarded by the lock of <see cref="SpliceFlows"/>.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification =
    "_progress is a SemaphoreSlim whose AvailableWaitHandle is never read: it holds no kernel handle to release.")]
internal sealed class SpliceHandshake
{
    private readonly TaskCompletionSource<SynAck> _synAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _progress = new(0, 1);

    /// <summary>The target's SYN-ACK: its ISN, TS clock, window field and options.</summary>
    public readonly record struct SynAck(SeqNum Isn, uint? TsVal, ushort Window, TcpSynOptions Options);

    public Task<SynAck> SynAckReceived => _synAck.Task;

    private readonly TaskCompletionSource<bool> _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The rules to arm, the end of the injected stream, and the handover's commit point (set by <see cref="SpliceFlows.Prepare"/>).</summary>
    public (SpliceRules Rules, SeqNum End, HandoverCommitPoint Commit)? Pending { get; set; }

    /// <summary>True once the packet path committed and armed the flow, false once it refused or the receiver withdrew.</summary>
    public Task<bool> Decided => _decided.Task;

    /// <summary>Records the decision once; false when it was already decided.</summary>
    public bool TryDecide(bool armed) => _decided.TrySetResult(armed);

    /// <summary>The highest client sequence number the target acknowledged (RCV.NXT as it announced it).</summary>
    public SeqNum Acked { get; private set; }

    /// <summary>The right edge of the target's receive window (ack + scaled window), client sequence space.</summary>
    public SeqNum WindowEdge { get; private set; }

    public bool HasAck { get; private set; }

    /// <summary>The target's receive window shift, known from its SYN-ACK.</summary>
    public byte TargetWscale { get; set; }

    /// <summary>Waits until the target acknowledges more (or <paramref name="timeout"/> passes); no polling.</summary>
    public Task WaitForProgressAsync(TimeSpan timeout) => _progress.WaitAsync(timeout);

    /// <summary>
    /// Records an egress packet of the flow (target → client) and, once the target has acknowledged the whole
    /// injected stream, takes the handover's commit point: true, with the rules to arm, when the flow may be armed
    /// now; false while the handshake goes on, or when the commit point can't be taken (the origin cancelled, or it
    /// is too late), which decides the handshake against arming. Called on the NFQUEUE thread.
    /// </summary>
    public bool TryCommit(Span<byte> ipPacket, out SpliceRules rules)
    {
        ObserveEgress(ipPacket);
        rules = default!;
        if (Pending is not { } pending || !HasAck || Acked < pending.End)
        {
            return false;
        }
        if (!pending.Commit.TryCommit())
        {
            TryDecide(false);
            return false;
        }
        rules = pending.Rules;
        return true;
    }

    /// <summary>Records an egress packet of the flow (target → client).</summary>
    private void ObserveEgress(Span<byte> ipPacket)
    {
        if (!Ipv4Header.TryRead(ipPacket, out var ip) || !TcpHeader.TryRead(ip.Payload, out var tcp))
        {
            return;
        }
        var flags = tcp.Flags;
        if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack))
        {
            if (TcpSynOptions.TryParse(tcp, out var options))
            {
                _synAck.TrySetResult(new SynAck(tcp.SequenceNumber, options.Timestamps?.Value.Value, tcp.Window, options));
            }
            return;
        }
        if ((flags & TcpFlags.Ack) != 0)
        {
            var ack = tcp.AcknowledgmentNumber;
            if (!HasAck || ack > Acked)
            {
                Acked = ack;
            }
            var edge = ack + (uint)(tcp.Window << TargetWscale);
            if (!HasAck || edge > WindowEdge)
            {
                WindowEdge = edge;
            }
            HasAck = true;
            if (_progress.CurrentCount == 0)
            {
                _progress.Release();
            }
        }
    }
}
