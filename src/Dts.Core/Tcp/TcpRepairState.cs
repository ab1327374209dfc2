namespace Dts.Core.Tcp;

/// <summary>
/// A checkpoint of an established TCP socket taken in <c>TCP_REPAIR</c> mode, enough to restore an
/// identical socket elsewhere (the same fields CRIU saves: criu/sk-tcp.c). Sequence numbers follow the
/// kernel's meaning: <see cref="SendSeq"/> is <c>write_seq</c> and <see cref="RecvSeq"/> is <c>rcv_nxt</c>,
/// both read with <c>TCP_QUEUE_SEQ</c>.
/// </summary>
public sealed record TcpRepairState
{
    /// <summary>write_seq: the sequence number after the last byte the application queued for sending.</summary>
    public required SeqNum SendSeq { get; init; }

    /// <summary>rcv_nxt: the next sequence number expected from the peer (RFC 9293 RCV.NXT).</summary>
    public required SeqNum RecvSeq { get; init; }

    /// <summary>
    /// Bytes in the send queue, sent-but-unacknowledged first, then not yet sent; they occupy
    /// [<see cref="SendSeq"/> − length, <see cref="SendSeq"/>). Empty in the common case of a handover
    /// before the first response byte.
    /// </summary>
    public required ReadOnlyMemory<byte> SendQueue { get; init; }

    /// <summary>
    /// Bytes received and acknowledged but not yet read by the application; they occupy
    /// [<see cref="RecvSeq"/> − length, <see cref="RecvSeq"/>). On a handover this is the whole
    /// unconsumed byte stream: bytes Kestrel had already read from the socket, then the kernel's queue.
    /// </summary>
    public required ReadOnlyMemory<byte> RecvQueue { get; init; }

    /// <summary>The MSS clamp in bytes (<c>TCP_MAXSEG</c>), restored as <c>TCPOPT_MSS</c>.</summary>
    public required ushort Mss { get; init; }

    /// <summary>The window scale the peer applies to its windows (RFC 7323 §2.2), or 0 without wscale.</summary>
    public required byte SndWscale { get; init; }

    /// <summary>The window scale we apply to the windows we advertise, or 0 without wscale.</summary>
    public required byte RcvWscale { get; init; }

    /// <summary>True when window scaling was negotiated (RFC 7323 §2).</summary>
    public required bool WindowScaling { get; init; }

    /// <summary>True when SACK was negotiated (RFC 2018).</summary>
    public required bool SackPermitted { get; init; }

    /// <summary>True when timestamps were negotiated (RFC 7323 §3).</summary>
    public required bool Timestamps { get; init; }

    /// <summary>The socket's current TSval clock (<c>TCP_TIMESTAMP</c>, ms ticks plus the socket's offset).</summary>
    public required uint TsVal { get; init; }

    /// <summary>The window state (<c>TCP_REPAIR_WINDOW</c>).</summary>
    public required TcpRepairWindow Window { get; init; }
}
