using System.Net;

namespace Dts.Linux.Netfilter;

/// <summary>What one node's flow-ownership table filters (ARCHITECTURE.md §7).</summary>
public sealed record NftFlowTableOptions
{
    /// <summary>The cluster's virtual IPv4 address.</summary>
    public required IPAddress Vip { get; init; }

    /// <summary>The TCP port served on the VIP.</summary>
    public required ushort Port { get; init; }

    /// <summary>This node's index k in [0, <see cref="NodeCount"/>): it owns flows whose jhash mod N equals k.</summary>
    public required int NodeIndex { get; init; }

    /// <summary>N, the number of nodes; the same on every node.</summary>
    public required int NodeCount { get; init; }

    /// <summary>The jhash seed; the same on every node.</summary>
    public uint HashSeed { get; init; }

    /// <summary>How long a handed_out/handed_in element lives without packets; every matching packet
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
