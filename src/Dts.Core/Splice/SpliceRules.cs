using Dts.Core.Tcp;

namespace Dts.Core.Splice;

/// <summary>
/// The per-flow translation between the target's TCP numbering and the origin's, which the client knows.
/// Both deltas are modulo 2^32 (RFC 9293 §3.4 sequence space; RFC 7323 §5.2 timestamp clock) and are applied
/// with <see cref="SeqNum"/> wrapping arithmetic: added on egress (target → client), subtracted on ingress
/// (client → target).
/// </summary>
/// <remarks>
/// There are no "timestamps negotiated" / "SACK permitted" switches: the mapping is a bijection of the 32-bit
/// spaces, so translating every timestamps option and SACK block that is present is always right, and an option
/// the handshake did not agree to is simply not there. The target negotiated from the client's own SYN, so both
/// sides agree on what is present.
/// </remarks>
/// <param name="SeqDelta">
/// Δseq = origin snd_nxt − target snd_nxt taken at the same point of the byte stream (equal to ISN_o − ISN_t when
/// both count the same bytes), modulo 2^32. Egress SEG.SEQ += Δseq; ingress SEG.ACK and every SACK / D-SACK edge
/// −= Δseq (RFC 9293 §3.4, RFC 2018 §3, RFC 2883).
/// </param>
/// <param name="TsDelta">
/// Δts = origin TS clock − target TS clock, modulo 2^32. Egress TSval += Δts; ingress TSecr −= Δts
/// (RFC 7323 §3). Zero when timestamps are not in use.
/// </param>
/// <param name="TargetRcvWscale">
/// The target's receive window shift (the scale its stack applies to the window fields it sends, RFC 7323 §2.3).
/// Values above 14 are used as 14 (RFC 7323 §2.3).
/// </param>
/// <param name="OriginRcvWscale">
/// The origin's receive window shift, announced in the SYN-ACK the client saw, so the one the client applies
/// to every window field of the flow (RFC 7323 §2.3). Values above 14 are used as 14.
/// </param>
public readonly record struct SpliceRules(uint SeqDelta, uint TsDelta, byte TargetRcvWscale, byte OriginRcvWscale)
{
    /// <summary>The largest shift count a receiver honours (RFC 7323 §2.3).</summary>
    public const int MaxWindowScale = 14;

    /// <summary>True when egress window fields are rescaled (the two effective shifts differ, RFC 7323 §2.3).</summary>
    public bool RescalesWindow => Effective(TargetRcvWscale) != Effective(OriginRcvWscale);

    /// <summary>
    /// The rules that undo these: both deltas negated and the two shifts swapped. Applying
    /// <see cref="SpliceTranslator.TranslateEgress(Span{byte}, in SpliceRules, bool)"/> with this and then with the
    /// inverse restores SEG.SEQ and TSval exactly (and the window field when no rounding or clamping happened).
    /// </summary>
    /// <remarks>A method, not a property: a record's ToString prints properties, and the inverse's inverse is this.</remarks>
    public SpliceRules Invert() => new(unchecked(0u - SeqDelta), unchecked(0u - TsDelta), OriginRcvWscale, TargetRcvWscale);

    /// <summary>
    /// Builds the rules from two snapshots taken at the same instant of the flow: the origin's and the target's
    /// next send sequence numbers (RFC 9293 §3.4 SND.NXT) and current TS clock values (RFC 7323 §3), and both
    /// receive window shifts (RFC 7323 §2.3).
    /// </summary>
    public static SpliceRules Create(SeqNum originSndNxt, SeqNum targetSndNxt, SeqNum originTsClock, SeqNum targetTsClock,
        byte targetRcvWscale, byte originRcvWscale) =>
        new(unchecked(originSndNxt.Value - targetSndNxt.Value), unchecked(originTsClock.Value - targetTsClock.Value),
            targetRcvWscale, originRcvWscale);

    internal static int Effective(byte shift) => Math.Min((int)shift, MaxWindowScale);
}
