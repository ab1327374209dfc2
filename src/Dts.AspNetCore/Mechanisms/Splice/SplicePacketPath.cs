using System.Buffers.Binary;
using System.Net;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Linux.Netfilter;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// The queue loop: one NFQUEUE (<see cref="SpliceSteering.QueueNumber"/>) receives every packet of every
/// spliced flow, both directions, on its own thread; each packet is parsed once and its verdict (drop, pass,
/// pass translated) comes from <see cref="SpliceFlows"/>. A packet that is not IPv4 TCP is dropped.
/// </summary>
internal sealed class SplicePacketPath : IDisposable
{
    private readonly uint _vip;
    private readonly SpliceFlows _flows;

    /// <summary>Opens the queue and starts its thread.</summary>
    /// <param name="vip">The VIP: a packet from it is egress (target → client), any other ingress.</param>
    /// <param name="flows">The flows' state, which decides every verdict.</param>
    public SplicePacketPath(IPAddress vip, SpliceFlows flows)
    {
        _vip = BinaryPrimitives.ReadUInt32BigEndian(vip.GetAddressBytes());
        _flows = flows;
        Queue = new NfQueue(new NfQueueOptions { QueueNumber = SpliceSteering.QueueNumber }, Handle);
    }

    /// <summary>The queue, for its counters.</summary>
    public NfQueue Queue { get; }

    public bool IsRunning => Queue.IsRunning;

    private PacketVerdict Handle(ref QueuedPacket packet)
    {
        var payload = packet.Payload;
        if (!Ipv4Header.TryRead(payload, out var ip))
        {
            return PacketVerdict.Drop;
        }
        var egress = ip.SourceAddress == _vip;
        if (!SpliceFlowKey.TryRead(payload, egress, out var key))
        {
            return PacketVerdict.Drop;
        }
        return _flows.Decide(key, egress, payload, ip.Payload, packet.ChecksumNotReady);
    }

    public void Dispose() => Queue.Dispose();
}
