namespace Dts.Core.Telemetry;

/// <summary>
/// The Splice packet path's counters on <c>/dts/stats</c>: live flows and the bytes of translator state each
/// holds, and the NFQUEUE's packets, rewrites, drops, ENOBUFS (the kernel dropped packets because the reader
/// fell behind; the loop goes on) and errors.
/// </summary>
public sealed record DtsSpliceStats(
    int Flows, int StateBytesPerFlow, long Packets, long Translated, long Dropped, long NoBufferErrors, long VerdictErrors, long HandlerErrors);
