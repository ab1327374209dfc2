namespace Dts.Linux.Netfilter;

/// <summary>
/// Decides one queued packet; runs on the <see cref="NfQueue"/>'s own thread, one packet at a time. It may
/// rewrite <see cref="QueuedPacket.Payload"/> in place and return <see cref="PacketVerdict.AcceptModified"/>.
/// It must not keep the span: the bytes are overwritten by the next packet. An exception counts as a handler
/// error and drops the packet.
/// </summary>
public delegate PacketVerdict PacketHandler(ref QueuedPacket packet);
