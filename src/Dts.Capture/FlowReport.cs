using System.Net;
using System.Net.NetworkInformation;

namespace Dts.Capture;

/// <summary>
/// What the audit saw of one TCP connection: its ends, who owned it (in order), the counts the handover claims are
/// about, and its violations.
/// </summary>
public sealed class FlowReport
{
    internal FlowReport(IPEndPoint client, IPEndPoint server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The end that sent the SYN (or, when the capture starts later, the end that did not send the SYN-ACK).</summary>
    public IPEndPoint Client { get; }

    /// <summary>The end that sent the SYN-ACK: the VIP for a DTS cluster.</summary>
    public IPEndPoint Server { get; }

    /// <summary><c>client-ip:port ↔ server-ip:port</c>.</summary>
    public string Name => $"{Client} ↔ {Server}";

    /// <summary>The packet number (1-based) of the flow's first packet in the capture.</summary>
    public int FirstPacket { get; internal set; }

    /// <summary>Packets of this flow, both directions.</summary>
    public int Packets { get; internal set; }

    /// <summary>SYN-ACKs the server sent (retransmissions of the same one included).</summary>
    public int SynAcks { get; internal set; }

    /// <summary>
    /// The source MACs the server's segments came from, in the order they took the flow: the first is the node that
    /// answered the SYN (the origin), each next one took the flow over (a handover).
    /// </summary>
    public IReadOnlyList<PhysicalAddress> Owners => _owners;

    /// <summary>The packet number at which each of <see cref="Owners"/> sent its first segment.</summary>
    public IReadOnlyList<int> OwnerFirstPackets => _ownerFirstPackets;

    /// <summary>True when more than one node sent the server's segments.</summary>
    public bool HandedOver => _owners.Count > 1;

    /// <summary>Payload bytes the server sent, per entry of <see cref="Owners"/> (retransmissions counted again).</summary>
    public IReadOnlyList<long> PayloadBytesByOwner => _payloadBytes;

    /// <summary>FINs the server sent, any node.</summary>
    public int ServerFins { get; internal set; }

    /// <summary>RSTs the server sent, any node.</summary>
    public int ServerResets { get; internal set; }

    /// <summary>RSTs the client sent (a client may abort; the audit reports it without calling it a violation).</summary>
    public int ClientResets { get; internal set; }

    /// <summary>
    /// Segments whose checksum could not be judged: IP packets longer than <see cref="AuditOptions.Mtu"/> (merged by
    /// GRO/GSO, never one frame on a wire) or whose TCP checksum is left to offload (CHECKSUM_PARTIAL: the field
    /// holds the pseudo-header sum).
    /// </summary>
    public int ChecksumsNotJudged { get; internal set; }

    /// <summary>Segments whose TCP checksum verified.</summary>
    public int ChecksumsVerified { get; internal set; }

    /// <summary>This flow's violations, in packet order.</summary>
    public IReadOnlyList<AuditViolation> Violations => _violations;

    internal readonly List<PhysicalAddress> _owners = [];
    internal readonly List<int> _ownerFirstPackets = [];
    internal readonly List<long> _payloadBytes = [];
    internal readonly List<AuditViolation> _violations = [];
}
