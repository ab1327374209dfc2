using System.Net;

namespace Dts.Linux.Netfilter;

/// <summary>What one node's flow-ownership table filters (ARCHITECTURE.md §4b, §8).</summary>
public sealed record NftFlowTableOptions
{
    /// <summary>The cluster's virtual IPv4 address.</summary>
    public required IPAddress Vip { get; init; }

    /// <summary>The TCP port served on the VIP.</summary>
    public required ushort Port { get; init; }

    /// <summary>
    /// B, the number of buckets (1–65536; the same on every node): a client's bucket is
    /// <c>jhash ip saddr . tcp sport mod B seed HashSeed</c>, and <see cref="NftFlowTable.SetBuckets"/> says which
    /// buckets' SYNs this node answers.
    /// </summary>
    public required int Buckets { get; init; }

    /// <summary>The jhash seed; the same on every node.</summary>
    public uint HashSeed { get; init; }

    /// <summary>
    /// How long a fresh handshake may take: a SYN-ACK this node sends puts the flow in <c>embryonic</c> for this long
    /// (its first later segment takes it out), so that the handshake's final ACK (which meets a request socket, not one
    /// the nft <c>socket wildcard</c> expression matches) gets through (default 3 s; rounded to milliseconds).
    /// </summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a handed_out/closed/spliced element lives without packets; every matching packet
    /// refreshes it. Rounded to milliseconds.</summary>
    public TimeSpan FlowIdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// When set, the table also has a <c>spliced</c> set whose flows' packets (both directions) get this packet
    /// mark, which the Splice NFQUEUE steering matches; packets arriving on <c>lo</c> (the target's own injected
    /// handshake) pass regardless of ownership and are never marked. Null (default): no Splice rules.
    /// </summary>
    public uint? SpliceMark { get; init; }

    /// <summary>The <c>inet</c> table's name; the ARP table is named <c>&lt;TableName&gt;_arp</c>.</summary>
    public string TableName { get; init; } = "dts";
}
