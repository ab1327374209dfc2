using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dts.AspNetCore.Handover;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using Dts.Linux.Netfilter;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// Every marked flow's state on the target, under one lock, and the verdict for each of its packets: a flow in
/// a synthetic handshake (<see cref="SpliceHandshake"/>) has nothing pass; an armed flow is translated by its
/// <see cref="SpliceFlowState"/>; a native flow (its client port now carries a connection of this node's own)
/// passes untranslated; a marked packet of any other flow is dropped (fail closed).
/// </summary>
internal sealed class SpliceFlows(IOptions<DtsOptions> options, TimeProvider time)
{
    private readonly object _lock = new();
    private readonly SpliceFlowTable _armed = new(options.Value.FlowIdleTimeout, TimeSpan.FromSeconds(60), time);
    private readonly Dictionary<SpliceFlowKey, SpliceHandshake> _handshakes = [];

    /// <summary>
    /// Marked flows whose spliced connection is over and whose client port now carries a connection of this
    /// node's own (a reused port): passed untranslated. Value: last packet's timestamp.
    /// </summary>
    private readonly Dictionary<SpliceFlowKey, long> _native = [];
    private readonly long _idleTicks = (long)(options.Value.FlowIdleTimeout.TotalSeconds * time.TimestampFrequency);

    /// <summary>Armed flows (translator state live).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>Starts capturing the flow's packets for a synthetic handshake.</summary>
    public SpliceHandshake BeginHandshake(SpliceFlowKey key)
    {
        var handshake = new SpliceHandshake();
        lock (_lock)
        {
            // Whatever an earlier connection on this client port left behind is replaced.
            _armed.Remove(key);
            _native.Remove(key);
            _handshakes[key] = handshake;
        }
        return handshake;
    }

    /// <summary>Tells the handshake the target's receive window shift (from its SYN-ACK).</summary>
    public void Configure(SpliceHandshake handshake, byte targetWscale)
    {
        lock (_lock)
        {
            handshake.TargetWscale = targetWscale;
        }
    }

    /// <summary>
    /// Hands the packet path what it needs to commit and arm the flow itself, on the first egress packet that
    /// acknowledges <paramref name="end"/>.
    /// </summary>
    public void Prepare(SpliceHandshake handshake, SpliceRules rules, SeqNum end, HandoverCommitPoint commit)
    {
        lock (_lock)
        {
            handshake.Pending = (rules, end, commit);
        }
    }

    /// <summary>What the target has acknowledged so far (client sequence space).</summary>
    public (bool HasAck, SeqNum Acked, SeqNum WindowEdge) Progress(SpliceHandshake handshake)
    {
        lock (_lock)
        {
            return (handshake.HasAck, handshake.Acked, handshake.WindowEdge);
        }
    }

    /// <summary>
    /// The receiver gives up: unless the packet path already decided, the flow is never armed (its packets stay
    /// dropped). Returns the decision that stands.
    /// </summary>
    public bool Withdraw(SpliceFlowKey key, SpliceHandshake handshake)
    {
        lock (_lock)
        {
            if (handshake.TryDecide(false))
            {
                _handshakes.Remove(key);
                return false;
            }
            return handshake.Decided.Result;
        }
    }

    /// <summary>The verdict for one queued packet of flow <paramref name="key"/> (translated in place when it passes translated).</summary>
    /// <param name="key">The flow, client side first.</param>
    /// <param name="egress">True for target → client.</param>
    /// <param name="ipPacket">The whole IPv4 packet.</param>
    /// <param name="segment">Its TCP segment (the IPv4 payload).</param>
    /// <param name="checksumNotReady">The kernel will complete the checksum (do not validate it).</param>
    public PacketVerdict Decide(SpliceFlowKey key, bool egress, Span<byte> ipPacket, Span<byte> segment, bool checksumNotReady)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_handshakes.TryGetValue(key, out var handshake))
            {
                if (!egress)
                {
                    return PacketVerdict.Drop;
                }
                // The first packet of the target that acknowledges the whole injected stream commits the
                // handover right here, so that this very packet (often the app's response) goes out translated
                // instead of waiting for a retransmission.
                if (!handshake.TryCommit(ipPacket, out var rules))
                {
                    if (handshake.Decided.IsCompleted)
                    {
                        _handshakes.Remove(key);
                    }
                    return PacketVerdict.Drop;
                }
                _handshakes.Remove(key);
                _armed.TryAdd(key, rules, now, out _);
                handshake.TryDecide(true);
            }
            ref var nativeSince = ref CollectionsMarshal.GetValueRefOrNullRef(_native, key);
            if (!Unsafe.IsNullRef(ref nativeSince))
            {
                nativeSince = now;
                return PacketVerdict.Accept;
            }
            var armed = _armed.TryGet(key, out var state);
            if (TcpHeader.TryRead(segment, out var tcp) && (tcp.Flags & TcpFlags.Syn) != 0)
            {
                if (!egress && (tcp.Flags & TcpFlags.Ack) == 0)
                {
                    // A client's SYN is in the client's own numbering: the stack judges it. On a live connection
                    // it answers with a challenge ACK (RFC 5961 §4, translated as usual); otherwise it is a new
                    // connection on a reused port, this node's own from now on.
                    if (!armed)
                    {
                        _native[key] = now;
                    }
                    return PacketVerdict.Accept;
                }
                if (egress && (tcp.Flags & TcpFlags.Ack) != 0 && armed)
                {
                    // The stack opened a new connection on this 4-tuple: the spliced one is over.
                    _armed.Remove(key);
                    _native[key] = now;
                    return PacketVerdict.Accept;
                }
            }
            if (!armed)
            {
                return PacketVerdict.Drop; // a marked flow this node has no rules for: fail closed
            }
            var result = egress
                ? state!.TranslateEgress(ipPacket, checksumNotReady, now)
                : state!.TranslateIngress(ipPacket, checksumNotReady, now);
            return result == TranslateResult.Translated ? PacketVerdict.AcceptModified : PacketVerdict.Drop;
        }
    }

    /// <summary>Frees closed or idle armed flows and idle native ones; returns how many armed flows went.</summary>
    public int Sweep()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var removed = _armed.Sweep(now);
            foreach (var (key, last) in _native)
            {
                if (now - last > _idleTicks)
                {
                    _native.Remove(key);
                }
            }
            return removed;
        }
    }
}
