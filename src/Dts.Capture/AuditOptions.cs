using System.Net.NetworkInformation;

namespace Dts.Capture;

/// <summary>Settings of <see cref="CaptureAudit"/>.</summary>
public sealed class AuditOptions
{
    /// <summary>
    /// Linux's PAWS tolerance in TSval ticks (<c>TCP_PAWS_WINDOW</c> = 1, include/net/tcp.h): a kernel's own stream can
    /// step back by a tick (paced segments carry their departure time, a retransmission the current time). Applies
    /// within one node's segments; a node that takes a flow over must never go below the previous owner's TSvals.
    /// </summary>
    public uint PawsWindow { get; init; } = 1;

    /// <summary>
    /// The link MTU (bytes): an IP packet longer than this was never one frame but segments the capturing host's
    /// GRO merged, whose checksums are stale by design; the audit does not judge them. Default 1500.
    /// </summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Names to print for known node MACs (e.g. <c>n1</c>); the audit learns unnamed ones from the capture.</summary>
    public IReadOnlyDictionary<PhysicalAddress, string> NodeNames { get; init; } = new Dictionary<PhysicalAddress, string>();
}
