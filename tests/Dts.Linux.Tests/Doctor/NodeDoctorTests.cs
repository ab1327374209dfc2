using System.Net;
using Dts.Linux.Doctor;
using Dts.Linux.Namespaces;
using Dts.Linux.Tests.Infrastructure;

namespace Dts.Linux.Tests.Doctor;

public sealed class NodeDoctorTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private const string VipMac = "01:00:5e:12:00:64";

    /// <summary>What the product uses; the doctor must have probed each of them.</summary>
    private static readonly string[] Features =
    [
        "kernel", "CAP_NET_ADMIN", "CAP_NET_RAW", "libnftables", "libnetfilter_queue", "TCP_SAVE_SYN", "SO_PEEK_OFF on TCP", "TCP_REPAIR",
        "nft sets with timeouts", "nft socket expression", "nft flow table", "NFQUEUE via iptables-nft",
    ];

    [RootFact]
    public void Run_ThisMachine_EveryFeaturePasses()
    {
        var checks = NodeDoctor.Run(new NodeDoctorOptions());

        foreach (string feature in Features)
        {
            DoctorCheck check = Assert.Single(checks, c => c.Name == feature);
            Assert.True(check.Status == DoctorStatus.Pass, $"{check.Name}: {check.Status} {check.Detail} (fix: {check.Fix})");
        }

        Assert.True(NodeDoctor.Passed(checks), string.Join('\n', checks.Where(c => c.Status == DoctorStatus.Fail)));
    }

    [RootFact]
    public void Run_NodeNamespaceSetUpLikeTheTestbed_VipPathPasses()
    {
        using var namespaces = new TestNamespaces();
        NetworkNamespace node = AddNode(namespaces, defaultRouteVia: "eth0", rpFilter: 1, arpAnnounce: 2);

        var checks = NodeDoctor.Run(new NodeDoctorOptions { Namespace = node.Name });

        Assert.Equal(DoctorStatus.Pass, Assert.Single(checks, c => c.Name == "VIP on lo").Status);
        Assert.Equal($"{VipMac} joined on eth0", Assert.Single(checks, c => c.Name == "multicast MAC").Detail);
        Assert.Equal(DoctorStatus.Pass, Assert.Single(checks, c => c.Name == "arp_ignore (eth0)").Status);
        Assert.Equal(DoctorStatus.Pass, Assert.Single(checks, c => c.Name == "arp_announce (eth0)").Status);
        // Strict, but every client is routed back through the VIP's interface: works, with advice.
        Assert.Equal(DoctorStatus.Warn, Assert.Single(checks, c => c.Name == "rp_filter (eth0)").Status);
        Assert.True(NodeDoctor.Passed(checks), string.Join('\n', checks.Where(c => c.Status == DoctorStatus.Fail)));
    }

    [RootFact]
    public void Run_StrictRpFilterWithTheDefaultRouteElsewhere_FailsWithTheFix()
    {
        using var namespaces = new TestNamespaces();
        NetworkNamespace node = AddNode(namespaces, defaultRouteVia: "eth1", rpFilter: 1, arpAnnounce: 2);

        var checks = NodeDoctor.Run(new NodeDoctorOptions { Namespace = node.Name, Vip = Vip });

        DoctorCheck rp = Assert.Single(checks, c => c.Name == "rp_filter (eth0)");
        Assert.Equal(DoctorStatus.Fail, rp.Status);
        Assert.Contains("the default route leaves by eth1", rp.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"ip netns exec {node.Name} sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=2", rp.Fix, StringComparison.Ordinal);
        Assert.False(NodeDoctor.Passed(checks));
    }

    [RootFact]
    public void Run_ArpAnnounceZeroAndArpIgnoreOne_FailBoth()
    {
        using var namespaces = new TestNamespaces();
        NetworkNamespace node = AddNode(namespaces, defaultRouteVia: "eth0", rpFilter: 2, arpAnnounce: 0);
        Shell.Run("ip", "netns", "exec", node.Name, "sysctl", "-qw", "net.ipv4.conf.eth0.arp_ignore=1");

        var checks = NodeDoctor.Run(new NodeDoctorOptions { Namespace = node.Name });

        Assert.Equal(DoctorStatus.Pass, Assert.Single(checks, c => c.Name == "rp_filter (eth0)").Status);
        Assert.Equal(DoctorStatus.Fail, Assert.Single(checks, c => c.Name == "arp_ignore (eth0)").Status);
        DoctorCheck announce = Assert.Single(checks, c => c.Name == "arp_announce (eth0)");
        Assert.Equal(DoctorStatus.Fail, announce.Status);
        Assert.EndsWith("net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_announce=2", announce.Fix, StringComparison.Ordinal);
    }

    [RootFact]
    public void Run_VipNotOnLoAndMacNotJoined_FailsBoth()
    {
        using var namespaces = new TestNamespaces();
        NetworkNamespace bare = namespaces.Add("bare");

        var checks = NodeDoctor.Run(new NodeDoctorOptions { Namespace = bare.Name, Vip = Vip });

        Assert.Equal(DoctorStatus.Fail, Assert.Single(checks, c => c.Name == "VIP on lo").Status);
        DoctorCheck mac = Assert.Single(checks, c => c.Name == "multicast MAC");
        Assert.Equal(DoctorStatus.Fail, mac.Status);
        Assert.StartsWith($"ip netns exec {bare.Name} ip maddr add {VipMac} dev ", mac.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoSuchNamespace_Fails()
    {
        string name = $"dts-lt-{Environment.ProcessId}-{Random.Shared.Next(0x10000, 0xFFFFF):x}-absent";

        var checks = NodeDoctor.Run(new NodeDoctorOptions { Namespace = name });

        DoctorCheck netns = Assert.Single(checks, c => c.Name == "netns");
        Assert.Equal(DoctorStatus.Fail, netns.Status);
        Assert.Contains("No such file or directory", netns.Detail, StringComparison.Ordinal);
        Assert.NotNull(netns.Fix);
        Assert.False(NodeDoctor.Passed(checks));
    }

    /// <summary>
    /// A node as the testbed builds one: the VIP on lo, eth0 (a veth) with the VIP's multicast MAC joined; eth1 a second
    /// veth; the default route via <paramref name="defaultRouteVia"/>.
    /// </summary>
    private static NetworkNamespace AddNode(TestNamespaces namespaces, string defaultRouteVia, int rpFilter, int arpAnnounce)
    {
        NetworkNamespace node = namespaces.Add("node");
        TestNamespaces.Ip(node, "link add eth0 type veth peer name peer0");
        TestNamespaces.Ip(node, "link add eth1 type veth peer name peer1");
        TestNamespaces.Ip(node, "addr add 10.200.0.2/24 dev eth0");
        TestNamespaces.Ip(node, "addr add 10.201.0.2/24 dev eth1");
        foreach (string dev in new[] { "eth0", "eth1", "peer0", "peer1" })
        {
            TestNamespaces.Ip(node, $"link set {dev} up");
        }

        TestNamespaces.Ip(node, $"addr add {Vip}/32 dev lo");
        TestNamespaces.Ip(node, $"maddr add {VipMac} dev eth0");
        TestNamespaces.Ip(node, $"route add default via {(defaultRouteVia == "eth0" ? "10.200.0.1" : "10.201.0.1")} dev {defaultRouteVia}");
        Shell.Run("ip", "netns", "exec", node.Name, "sysctl", "-qw", $"net.ipv4.conf.all.rp_filter={rpFilter}", "net.ipv4.conf.eth0.rp_filter=0",
            $"net.ipv4.conf.all.arp_announce={arpAnnounce}", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.eth0.arp_ignore=0");
        return node;
    }
}
