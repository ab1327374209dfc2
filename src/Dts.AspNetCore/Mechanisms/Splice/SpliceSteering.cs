using Dts.Linux.Netfilter;

namespace Dts.AspNetCore.Mechanisms.Splice;

/// <summary>
/// Steers the packets of spliced flows to the Splice NFQUEUE: the nft table marks them (<see cref="Mark"/>,
/// <c>FlowOwnership.AddMarked</c>), and iptables-nft rules send the mark to queue <see cref="QueueNumber"/>
/// without a bypass, so that nothing of a spliced flow passes while no one reads the queue (fail closed). nft's own
/// <c>queue</c> statement is missing on some kernels (ARCHITECTURE §4).
/// </summary>
internal sealed class SpliceSteering : IDisposable
{
    /// <summary>The packet mark of spliced flows.</summary>
    public const uint Mark = 0x7d5;

    /// <summary>The NFQUEUE number marked packets are steered to.</summary>
    public const ushort QueueNumber = 2005;

    private NfQueueSteering? _steering;

    /// <summary>Installs the steering rules (IPv4), replacing what an earlier run left.</summary>
    /// <exception cref="IptablesException">iptables-nft rejected a rule.</exception>
    public void Install()
    {
        _steering = new NfQueueSteering(new NfQueueSteeringOptions { QueueNumber = QueueNumber, Mark = Mark, IncludeIPv6 = false });
        _steering.Install();
    }

    /// <summary>Removes the steering rules.</summary>
    public void Dispose()
    {
        _steering?.Uninstall();
        _steering?.Dispose();
        _steering = null;
    }
}
