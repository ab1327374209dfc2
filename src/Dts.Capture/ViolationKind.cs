namespace Dts.Capture;

/// <summary>What a handed-over flow must never show on the wire (see <see cref="CaptureAudit"/>).</summary>
public enum ViolationKind
{
    /// <summary>A second SYN-ACK with another ISN, or one from another node: two nodes accepted the SYN.</summary>
    SecondSynAck,

    /// <summary>An RST from a node that is not the flow's last owner (it gave the flow away).</summary>
    ResetFromFormerOwner,

    /// <summary>A FIN from a node that is not the flow's last owner.</summary>
    FinFromFormerOwner,

    /// <summary>Any other segment from a node after another node took the flow over.</summary>
    SegmentFromFormerOwner,

    /// <summary>A TSval below one the client already accepted, by more than the PAWS window (RFC 7323 §5.3).</summary>
    TsValBackwards,

    /// <summary>The IPv4 header checksum does not verify (RFC 791).</summary>
    BadIpChecksum,

    /// <summary>The TCP checksum does not verify and is not a checksum left to offload (RFC 9293 §3.1).</summary>
    BadTcpChecksum,

    /// <summary>A segment from the server starts beyond every byte the server sent before it (RFC 9293 §3.4).</summary>
    SequenceGap,

    /// <summary>The server acknowledges bytes the client never sent.</summary>
    AckBeyondSent,
}
