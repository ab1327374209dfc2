using System.Globalization;

namespace Dts.Testbed.Namespaces;

/// <summary>
/// Builds the run's network: a bridge in the switch namespace, one veth per node and one for the router on
/// it, a second router leg to the client. Every veth pair is created inside a namespace with its peer put
/// straight into another one (<c>ip -n A link add eth0 type veth peer name X netns B</c>), so nothing ever
/// touches the root namespace.
/// </summary>
internal static class TopologyBuilder
{
    public static async Task BuildAsync(TestbedLayout layout, CancellationToken cancellationToken)
    {
        var o = layout.Options;
        string sw = layout.SwitchNamespace;
        string rt = layout.RouterNamespace;
        string cl = layout.ClientNamespace;

        foreach (string ns in layout.AllNamespaces)
        {
            await Netns.AddAsync(ns, cancellationToken).ConfigureAwait(false);
        }

        // Before any link exists, so new links inherit "default": no IPv6 (no DAD, no router solicitations in captures).
        // Nodes: arp_announce=2, so a node's own ARP requests (refreshing the router's address while it answers from the
        // VIP) carry its unicast address, never the VIP — the router would learn VIP → that node's MAC and stop the
        // flooding (`dts doctor` checks it on a real node).
        await Task.WhenAll(layout.AllNamespaces.Select(ns => Netns.SysctlAsync(
            ns,
            cancellationToken,
            "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1",
            "net.ipv4.ip_forward=" + (ns == rt ? "1" : "0"),
            "net.ipv4.conf.all.arp_announce=" + (ns == rt || ns == cl || ns == sw ? "0" : "2")))).ConfigureAwait(false);
        await Task.WhenAll(layout.AllNamespaces.Select(ns => Netns.IpAsync(ns, cancellationToken, "link", "set", "lo", "up"))).ConfigureAwait(false);

        // Multicast snooping off: frames to the VIP's multicast MAC are flooded to every node port.
        await Netns.IpAsync(sw, cancellationToken, "link", "add", TestbedLayout.BridgeName, "type", "bridge", "mcast_snooping", "0", "stp_state", "0").ConfigureAwait(false);
        await Netns.IpAsync(sw, cancellationToken, "link", "set", TestbedLayout.BridgeName, "up").ConfigureAwait(false);

        string nodePrefix = "/" + o.NodeNetwork.PrefixLength.ToString(CultureInfo.InvariantCulture);
        string clientPrefix = "/" + o.ClientNetwork.PrefixLength.ToString(CultureInfo.InvariantCulture);
        string router = layout.RouterNodeSideAddress.ToString();

        await Task.WhenAll(Enumerable.Range(1, layout.NodeCount).Select(async i =>
        {
            string ns = layout.NodeNamespace(i);
            string port = TestbedLayout.NodeId(i);
            await AttachToBridgeAsync(ns, port, sw, cancellationToken).ConfigureAwait(false);
            await Netns.IpAsync(ns, cancellationToken, "addr", "add", layout.NodeAddress(i) + nodePrefix, "dev", "eth0").ConfigureAwait(false);
            await Netns.IpAsync(ns, cancellationToken, "link", "set", "eth0", "up").ConfigureAwait(false);
            await Netns.IpAsync(ns, cancellationToken, "route", "add", "default", "via", router).ConfigureAwait(false);
            await Netns.IpAsync(ns, cancellationToken, "addr", "add", o.Vip + "/32", "dev", "lo").ConfigureAwait(false);
            await Netns.IpAsync(ns, cancellationToken, "maddr", "add", layout.VipMulticastMac, "dev", "eth0").ConfigureAwait(false);
        })).ConfigureAwait(false);

        await AttachToBridgeAsync(rt, "rt", sw, cancellationToken).ConfigureAwait(false);
        await Netns.IpAsync(rt, cancellationToken, "addr", "add", router + nodePrefix, "dev", "eth0").ConfigureAwait(false);
        await Netns.IpAsync(rt, cancellationToken, "link", "set", "eth0", "up").ConfigureAwait(false);

        await Netns.IpAsync(rt, cancellationToken, "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", cl).ConfigureAwait(false);
        await Netns.IpAsync(rt, cancellationToken, "addr", "add", layout.RouterClientSideAddress + clientPrefix, "dev", "eth1").ConfigureAwait(false);
        await Netns.IpAsync(rt, cancellationToken, "link", "set", "eth1", "up").ConfigureAwait(false);
        await Netns.IpAsync(cl, cancellationToken, "addr", "add", layout.ClientAddress + clientPrefix, "dev", "eth0").ConfigureAwait(false);
        await Netns.IpAsync(cl, cancellationToken, "link", "set", "eth0", "up").ConfigureAwait(false);
        await Netns.IpAsync(cl, cancellationToken, "route", "add", "default", "via", layout.RouterClientSideAddress.ToString()).ConfigureAwait(false);
    }

    /// <summary>Creates <c>eth0</c> in <paramref name="ns"/> with its peer <paramref name="port"/> enslaved to the bridge.</summary>
    private static async Task AttachToBridgeAsync(string ns, string port, string sw, CancellationToken cancellationToken)
    {
        await Netns.IpAsync(ns, cancellationToken, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", sw).ConfigureAwait(false);
        await Netns.IpAsync(sw, cancellationToken, "link", "set", port, "master", TestbedLayout.BridgeName, "up").ConfigureAwait(false);
    }
}
