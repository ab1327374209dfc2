namespace Dts.Linux.Netfilter;

/// <summary>How <see cref="NfQueueSteering"/> sends marked packets to the queue.</summary>
public enum NfQueueSteeringMode
{
    /// <summary>nftables' <c>queue</c> statement when the kernel has it (CONFIG_NFT_QUEUE), else iptables.</summary>
    Auto = 0,

    /// <summary>iptables(-nft) <c>-j NFQUEUE</c> rules in the mangle table (the xt target through nft_compat).</summary>
    Iptables = 1,

    /// <summary>An nftables table of its own with <c>queue num N</c> rules (needs CONFIG_NFT_QUEUE).</summary>
    Nftables = 2,
}
