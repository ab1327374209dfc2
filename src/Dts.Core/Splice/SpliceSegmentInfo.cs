using Dts.Core.Packets;

namespace Dts.Core.Splice;

/// <summary>What the translator saw in a segment it accepted, for per-flow accounting (RFC 9293 §3.1 fields).</summary>
/// <param name="Flags">The control bits (FIN and RST end the flow's life, see <see cref="SpliceFlowState"/>).</param>
/// <param name="PayloadLength">Data bytes after the TCP header (a GSO/GRO super-packet counts them all).</param>
public readonly record struct SpliceSegmentInfo(TcpFlags Flags, int PayloadLength);
