namespace Dts.Linux.Netfilter;

/// <summary>Which packets <see cref="NfQueueSteering"/> sends to which queue.</summary>
public sealed record NfQueueSteeringOptions
{
    /// <summary>The NFQUEUE queue number packets go to.</summary>
    public required ushort QueueNumber { get; init; }

    /// <summary>
    /// The packet mark that selects packets (<c>mark &amp; Mask == Mark</c>). Something must set it before the
    /// mangle priority (-150) of the hook, e.g. an nft chain at priority -300 doing <c>meta mark set</c> on a set lookup.
    /// </summary>
    public required uint Mark { get; init; }

    /// <summary>The bits of the mark that are compared; default all.</summary>
    public uint Mask { get; init; } = 0xffffffff;

    /// <summary>The hooks that steer; default prerouting and output.</summary>
    public NfQueueSteeringHooks Hooks { get; init; } = NfQueueSteeringHooks.Prerouting | NfQueueSteeringHooks.Output;

    /// <summary>nftables or iptables; <see cref="NfQueueSteeringMode.Auto"/> probes the kernel.</summary>
    public NfQueueSteeringMode Mode { get; init; } = NfQueueSteeringMode.Auto;

    /// <summary>Steer IPv6 packets too (ip6tables, or the <c>inet</c> table covers both). Default true.</summary>
    public bool IncludeIPv6 { get; init; } = true;

    /// <summary>The <c>inet</c> table the nftables mode owns (replaced as a whole on install).</summary>
    public string TableName { get; init; } = "dts_nfqueue";
}
