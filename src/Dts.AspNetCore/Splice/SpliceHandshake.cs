using Dts.Core.Packets;
using Dts.Core.Tcp;

namespace Dts.AspNetCore.Splice;

/// <summary>
/// One synthetic handshake in progress on the target: what the NFQUEUE handler saw of the target's own
/// packets for the flow (its SYN-ACK, then its ACKs of the injected bytes). Nothing of the flow reaches the
/// wire while it exists. Guarded by the engine's lock.
/// </summary>
internal sealed class SpliceHandshake
{
    private readonly TaskCompletionSource<SynAck> _synAck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The target's SYN-ACK: its ISN, TS clock, window field and options.</summary>
    public readonly record struct SynAck(SeqNum Isn, uint? TsVal, ushort Window, TcpSynOptions Options);

    public Task<SynAck> SynAckReceived => _synAck.Task;

    /// <summary>The highest client sequence number the target acknowledged (RCV.NXT as it announced it).</summary>
    public SeqNum Acked { get; private set; }

    /// <summary>The right edge of the target's receive window (ack + scaled window), client sequence space.</summary>
    public SeqNum WindowEdge { get; private set; }

    public bool HasAck { get; private set; }

    /// <summary>The target's receive window shift, known from its SYN-ACK.</summary>
    public byte TargetWscale { get; set; }

    /// <summary>Records an egress packet of the flow (target → client); called on the NFQUEUE thread.</summary>
    public void ObserveEgress(Span<byte> ipPacket)
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
        }
    }
}
