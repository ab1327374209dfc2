namespace Dts.Core.Splice;

/// <summary>
/// What <see cref="SpliceTranslator"/> did with one packet. Only <see cref="Translated"/> means the buffer was
/// written; every other value leaves it byte-for-byte unchanged, so the packet filter can decide (a spliced
/// flow's filter should drop anything it cannot translate: failing open would leak the target's numbering).
/// </summary>
public enum TranslateResult
{
    /// <summary>The segment was rewritten (RFC 9293 §3.4 sequence space moved) and its TCP checksum fixed.</summary>
    Translated,

    /// <summary>An IPv4/IPv6 packet whose (first non-extension) payload is not TCP, or not IP at all.</summary>
    NotTcp,

    /// <summary>
    /// Truncated or inconsistent headers, an IP fragment, an IPv6 fragment header, a malformed TCP option list
    /// or a duplicated timestamps/SACK option. Nothing was written.
    /// </summary>
    Malformed,

    /// <summary>SYN is set (SYN or SYN-ACK): handshakes are the splice set-up's business, not the translator's.</summary>
    Handshake,

    /// <summary>Returned by <see cref="SpliceFlowTable"/> only: no state for the packet's flow. Nothing was written.</summary>
    UnknownFlow,

    /// <summary>
    /// Returned by <see cref="SpliceFlowState.TranslateEgress"/> only: an RST from the target after both sides' FINs,
    /// the target's stack answering a segment for a socket it no longer has (a handshake probe injected late, say).
    /// Both ends have closed; the client must not see it. Nothing was written.
    /// </summary>
    ResetAfterClose,
}
