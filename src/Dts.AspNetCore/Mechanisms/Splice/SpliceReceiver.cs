using System.Buffers.Binary;
using Dts.AspNetCore.Connections;
using Dts.AspNetCore.Flow;
using Dts.AspNetCore.Handover;
using Dts.AspNetCore.Telemetry;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using Microsoft.Extensions.Logging;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// The target's side of a <c>Splice</c> handover: replay the client's SYN into this node's own stack, steal
/// the SYN-ACK, compute Δseq/Δts, inject the handshake ACK carrying the unconsumed bytes (within the window
/// the target announces), and let the packet path commit and arm the translator. Kestrel then accepts the
/// connection from the VIP listener, which knows it arrived by handover (<see cref="HandoverArrivals.Expect"/>).
/// On any failure nothing of the flow ever reaches the client.
/// </summary>
internal sealed partial class SpliceReceiver(
    SpliceEngine engine,
    SpliceFlows spliced,
    FlowOwnership flows,
    HandoverArrivals arrivals,
    TimeProvider time,
    ILogger<SpliceReceiver> logger)
{
    /// <summary>How long each step (SYN-ACK, the injected bytes acknowledged) may take.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// Added to Δts so that the client never sees TSval go backwards (RFC 7323 §5, PAWS): the origin's clock
    /// was read before the handover, the target's at its SYN-ACK; a forward jump of TSval is harmless.
    /// </summary>
    private const uint TsMarginMs = 1000;

    /// <param name="offer">The origin's offer: its checkpoint and the client's saved SYN.</param>
    /// <param name="commit">
    /// The handover's commit point, taken by the packet path when the target's stack has acknowledged the whole
    /// injected stream (<see cref="SpliceFlows.Prepare"/>); when it can't be taken (the origin cancelled, or it
    /// is too late) nothing is armed.
    /// </param>
    public async Task<(bool Accepted, string Reason, HandoverPhases Phases)> ApplyAsync(HandoverOffer offer, HandoverCommitPoint commit)
    {
        if (!engine.IsRunning)
        {
            return (false, "the Splice engine is not running", default);
        }
        var flow = offer.Flow;
        var origin = offer.State.Tcp;
        if (!SplicePackets.TryPrepareSyn(offer.State.SavedSyn.Span, origin.SackPermitted, origin.Timestamps, origin.WindowScaling, out var syn)
            || !Ipv4Header.TryRead(syn, out var synIp) || !TcpHeader.TryRead(synIp.Payload, out var synTcp)
            || synTcp.SourcePort != flow.Client.Port || !TcpSynOptions.TryParse(synTcp, out var synOptions))
        {
            return (false, "no usable saved SYN for the flow", default);
        }
        var clientIsn = synTcp.SequenceNumber;
        var clientBytes = flow.Client.Address.GetAddressBytes();
        var vipBytes = flow.Local.Address.GetAddressBytes();
        var key = SpliceFlowKey.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(clientBytes), (ushort)flow.Client.Port, (ushort)flow.Local.Port);

        var phases = new HandoverPhases();
        var mark = time.GetTimestamp();
        var handshake = spliced.BeginHandshake(key);
        var armed = false;
        var next = clientIsn + 1;
        SpliceHandshake.SynAck? synAck = null;
        try
        {
            flows.AddMarked(flow);
            // Before the SYN: a handed_out an earlier connection on this client port left here would drop this
            // node's own SYN-ACK in the output chain. The client's packets are dropped (no socket yet) until the
            // injected handshake makes the socket that owns the flow; the queue then drops them until it is armed.
            flows.PrepareHandedIn(flow);
            phases.Lap("flowtable", ref mark, time);
            engine.Injector.Send(syn);
            synAck = await handshake.SynAckReceived.WaitAsync(StepTimeout, time).ConfigureAwait(false);
            phases.Lap("synack", ref mark, time);
            var mismatch = Compare(synAck.Value.Options, origin);
            if (mismatch is not null)
            {
                return (false, mismatch, default);
            }
            var targetWscale = synAck.Value.Options.WindowScale ?? 0;
            spliced.Configure(handshake, targetWscale);
            var rules = SpliceRules.Create(
                origin.SendSeq, synAck.Value.Isn + 1,
                new SeqNum(origin.TsVal + TsMarginMs), new SeqNum(synAck.Value.TsVal ?? 0),
                targetWscale, origin.WindowScaling ? origin.RcvWscale : (byte)0);

            spliced.Prepare(handshake, rules, clientIsn + 1 + origin.RecvQueue.Length, commit);
            arrivals.Expect(flow, new AdoptedConnectionInfo(offer.OriginNode, offer.HandoverId));
            var window = (ushort)Math.Min(ushort.MaxValue, origin.WindowScaling ? origin.Window.snd_wnd >> origin.SndWscale : origin.Window.snd_wnd);
            (uint, uint)? timestamps = origin.Timestamps && synOptions.Timestamps is { } ts && synAck.Value.TsVal is { } tsEcr
                ? (ts.Value.Value, tsEcr) : null;
            next = await InjectAsync(handshake, clientBytes, vipBytes, flow, clientIsn + 1, synAck.Value, window, timestamps, origin.RecvQueue)
                .ConfigureAwait(false);
            if (!await handshake.Decided.ConfigureAwait(false))
            {
                return (false, "cancelled by the origin, or too late to commit", default);
            }
            // Committed and armed by the packet path; from now on the client's packets are this node's.
            armed = true;
            phases.Lap("inject", ref mark, time);
            return (true, "", phases);
        }
        catch (TimeoutException)
        {
            if (synAck is not null && spliced.Withdraw(key, handshake))
            {
                // The packet path armed the flow at the last moment: it is ours.
                armed = true;
                phases.Lap("inject", ref mark, time);
                return (true, "", phases);
            }
            return (false, synAck is null ? "no SYN-ACK from this node's stack" : "the injected bytes were not acknowledged", default);
        }
        finally
        {
            if (!armed)
            {
                // The flow stays marked: nothing of the half-made connection passes (fail closed); an RST
                // from "the client" makes this node's stack forget it.
                spliced.Withdraw(key, handshake);
                arrivals.Forget(flow);
                if (synAck is { } s)
                {
                    var rst = new byte[SplicePackets.Length(0, timestamps: false)];
                    SplicePackets.WriteAck(rst, clientBytes, vipBytes, (ushort)flow.Client.Port, (ushort)flow.Local.Port,
                        next, s.Isn + 1, 0, null, default, TcpFlags.Rst);
                    engine.Injector.Send(rst);
                }
                Log.Refused(logger, offer.HandoverId, flow);
            }
        }
    }

    /// <summary>Sends the handshake ACK and the bytes, within the window the target announces; returns the next client sequence number.</summary>
    private async Task<SeqNum> InjectAsync(SpliceHandshake handshake, byte[] client, byte[] vip, FlowKey flow, SeqNum next,
        SpliceHandshake.SynAck synAck, ushort window, (uint, uint)? timestamps, ReadOnlyMemory<byte> stream)
    {
        var segmentSize = (synAck.Options.Mss ?? 536) - (timestamps is null ? 0 : 12);
        var packet = new byte[SplicePackets.Length(segmentSize, timestamps is not null)];
        var end = next + stream.Length;
        var edge = next + synAck.Window; // a SYN-ACK's window is never scaled (RFC 7323 §2.2)
        var sentAny = false;
        var probed = false;
        var deadline = time.GetTimestamp() + (long)(StepTimeout.TotalSeconds * time.TimestampFrequency);
        var start = next;
        while (true)
        {
            while ((next < end && next < edge) || !sentAny)
            {
                var length = (int)Math.Min(Math.Min(segmentSize, end - next), Math.Max(0, edge - next));
                var chunk = stream.Span.Slice(next - start, length);
                var span = packet.AsSpan(0, SplicePackets.Length(length, timestamps is not null));
                SplicePackets.WriteAck(span, client, vip, (ushort)flow.Client.Port, (ushort)flow.Local.Port,
                    next, synAck.Isn + 1, window, timestamps, chunk);
                engine.Injector.Send(span);
                next += length;
                sentAny = true;
            }
            if (next == end && end > start && !probed && !handshake.Decided.IsCompleted)
            {
                // (Not once decided: a probe that reaches a connection already over is answered with an RST.)
                // The target's stack may delay its ACK of the bytes (RFC 9293 §3.8.6.3); its first egress
                // packet would then be the app's response, which the handshake phase must drop. A zero-length
                // segment at an old sequence number is out of window and answered at once with a duplicate
                // ACK (tcp_send_dupack), so the handshake commits before the app has answered.
                var probe = packet.AsSpan(0, SplicePackets.Length(0, timestamps is not null));
                SplicePackets.WriteAck(probe, client, vip, (ushort)flow.Client.Port, (ushort)flow.Local.Port,
                    end - 1, synAck.Isn + 1, window, timestamps, default);
                engine.Injector.Send(probe);
                probed = true;
            }
            var (hasAck, _, windowEdge) = spliced.Progress(handshake);
            if (handshake.Decided.IsCompleted)
            {
                return next;
            }
            if (hasAck && windowEdge > edge)
            {
                edge = windowEdge;
            }
            var remaining = TimeSpan.FromSeconds((deadline - time.GetTimestamp()) / (double)time.TimestampFrequency);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException();
            }
            await Task.WhenAny(handshake.Decided, handshake.WaitForProgressAsync(remaining)).ConfigureAwait(false);
        }
    }

    /// <summary>What the target agreed to must be what the client agreed to with the origin (wscale is rescaled).</summary>
    private static string? Compare(TcpSynOptions target, TcpRepairState origin)
    {
        if (target.SackPermitted != origin.SackPermitted)
        {
            return $"SACK: origin {origin.SackPermitted}, target {target.SackPermitted}";
        }
        if ((target.Timestamps is not null) != origin.Timestamps)
        {
            return $"timestamps: origin {origin.Timestamps}, target {target.Timestamps is not null}";
        }
        if ((target.WindowScale is not null) != origin.WindowScaling)
        {
            return $"window scaling: origin {origin.WindowScaling}, target {target.WindowScale is not null}";
        }
        return null;
    }
}
