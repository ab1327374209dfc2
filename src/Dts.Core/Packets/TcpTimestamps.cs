using Dts.Core.Tcp;

namespace Dts.Core.Packets;

/// <summary>
/// The values of a TCP timestamps option (RFC 7323 §3.2), host order. Both are 32-bit clock values
/// compared modulo 2^32 (RFC 7323 §5.2), hence <see cref="SeqNum"/>.
/// </summary>
/// <param name="Value">TSval: the sender's timestamp clock when the segment was sent.</param>
/// <param name="EchoReply">TSecr: the peer's most recent TSval being echoed; meaningful only with ACK.</param>
public readonly record struct TcpTimestamps(SeqNum Value, SeqNum EchoReply);
